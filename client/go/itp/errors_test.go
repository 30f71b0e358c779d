package itp

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/golang/protobuf/ptypes/duration"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

const invalidMessage = "The request has 2 invalid fields: " +
	"plan.sectors[0].base_year, plan.display_name."

// rejection is an INVALID_ARGUMENT status as the server sends it, with a
// RetryInfo added so that every decoded detail is covered.
func rejection(t *testing.T) *status.Status {
	t.Helper()
	s, err := status.New(codes.InvalidArgument, invalidMessage).WithDetails(
		&errdetails.ErrorInfo{
			Reason:   "INVALID_FIELDS",
			Domain:   "itp.leadit.org",
			Metadata: map[string]string{"count": "2"},
		},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "plan.sectors[0].base_year",
				Description: "year 1850 is outside 1990-2100."},
			{Field: "plan.display_name", Description: "is required."},
		}},
		&errdetails.RetryInfo{RetryDelay: &duration.Duration{
			Seconds: 2, Nanos: 500000000}},
	)
	if err != nil {
		t.Fatalf("WithDetails: %v", err)
	}
	return s
}

func TestFromStatusDecodesEveryDetail(t *testing.T) {
	s := rejection(t)
	e := FromError(s.Err())
	want := &Error{
		Code:     codes.InvalidArgument,
		Message:  invalidMessage,
		Reason:   "INVALID_FIELDS",
		Domain:   "itp.leadit.org",
		Metadata: map[string]string{"count": "2"},
		FieldViolations: []FieldViolation{
			{"plan.sectors[0].base_year", "year 1850 is outside 1990-2100."},
			{"plan.display_name", "is required."},
		},
		RetryDelay: 2500 * time.Millisecond,
	}
	got := *e
	got.status = nil
	if !reflect.DeepEqual(&got, want) {
		t.Fatalf("FromError = %+v, want %+v", got, *want)
	}
	if e.CodeName() != "INVALID_ARGUMENT" {
		t.Errorf("CodeName() = %q", e.CodeName())
	}
	wantText := "INVALID_ARGUMENT: " + invalidMessage +
		"\n  plan.sectors[0].base_year: year 1850 is outside 1990-2100." +
		"\n  plan.display_name: is required."
	if e.Error() != wantText {
		t.Errorf("Error() = %q, want %q", e.Error(), wantText)
	}
	// The status, details included, stays reachable for gRPC's helpers.
	if status.Code(e) != codes.InvalidArgument {
		t.Errorf("status.Code = %v", status.Code(e))
	}
	if n := len(status.Convert(e).Details()); n != 3 {
		t.Errorf("status.Convert(e) has %d details, want 3", n)
	}
}

func TestErrorsAsFindsTheErrorThroughWrapping(t *testing.T) {
	wrapped := fmt.Errorf("CreatePlan: %w", FromError(rejection(t).Err()))
	var e *Error
	if !errors.As(wrapped, &e) {
		t.Fatalf("errors.As found no *Error in %v", wrapped)
	}
	if e.Reason != "INVALID_FIELDS" || len(e.FieldViolations) != 2 {
		t.Errorf("errors.As gave %+v", e)
	}
	if FromError(wrapped) != e {
		t.Errorf("FromError of a wrapped *Error is not that *Error")
	}
	// A wrapped plain status error is decoded too.
	e = FromError(fmt.Errorf("call: %w", rejection(t).Err()))
	if e.Code != codes.InvalidArgument || e.RetryDelay != 2500*time.Millisecond {
		t.Errorf("FromError(wrapped status) = %+v", e)
	}
}

func TestFromStatusWithoutDetails(t *testing.T) {
	e := FromError(status.Error(codes.NotFound,
		"Plan countries/BRA/plans/x not found."))
	want := Error{Code: codes.NotFound,
		Message: "Plan countries/BRA/plans/x not found."}
	got := *e
	got.status = nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("FromError = %+v, want %+v", got, want)
	}
	if e.Error() != "NOT_FOUND: Plan countries/BRA/plans/x not found." {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestFromErrorOfOtherErrors(t *testing.T) {
	if FromError(nil) != nil {
		t.Errorf("FromError(nil) is not nil")
	}
	if FromStatus(status.New(codes.OK, "")) != nil {
		t.Errorf("FromStatus(OK) is not nil")
	}
	for _, c := range []struct {
		err  error
		code codes.Code
		text string
	}{
		{context.DeadlineExceeded, codes.DeadlineExceeded,
			"DEADLINE_EXCEEDED: context deadline exceeded"},
		{fmt.Errorf("step: %w", context.Canceled), codes.Canceled,
			"CANCELLED: step: context canceled"},
		{errors.New("disk full"), codes.Unknown, "UNKNOWN: disk full"},
	} {
		e := FromError(c.err)
		if e.Code != c.code || e.Error() != c.text {
			t.Errorf("FromError(%v) = %v %q, want %v %q", c.err, e.Code,
				e.Error(), c.code, c.text)
		}
	}
}

func TestCodeName(t *testing.T) {
	for code, name := range map[codes.Code]string{
		codes.Canceled: "CANCELLED", codes.FailedPrecondition: "FAILED_PRECONDITION",
		codes.Unauthenticated: "UNAUTHENTICATED", codes.Code(42): "CODE(42)",
	} {
		if got := CodeName(code); got != name {
			t.Errorf("CodeName(%d) = %q, want %q", code, got, name)
		}
	}
}

func TestParseAddress(t *testing.T) {
	for address, want := range map[string]struct {
		target string
		tls    bool
	}{
		"":                            {DefaultAddress, false},
		"127.0.0.1:50051":             {"127.0.0.1:50051", false},
		"http://itp.local:80/":        {"itp.local:80", false},
		"https://itp.example.org:443": {"itp.example.org:443", true},
	} {
		target, tls := ParseAddress(address)
		if target != want.target || tls != want.tls {
			t.Errorf("ParseAddress(%q) = %q, %v, want %q, %v", address,
				target, tls, want.target, want.tls)
		}
	}
}
