package itp

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadit/itp/client/go/itpv1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
)

// fakePlans answers GetPlan with the caller's authorization header as the
// plan's display name and whether the call had a deadline as its summary,
// and rejects every CreatePlan with rejection().
type fakePlans struct {
	itpv1.UnimplementedPlanServiceServer
	rejection *status.Status
}

func (f *fakePlans) GetPlan(ctx context.Context, r *itpv1.GetPlanRequest) (
	*itpv1.Plan, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	_, hasDeadline := ctx.Deadline()
	summary := "no deadline"
	if hasDeadline {
		summary = "deadline"
	}
	return &itpv1.Plan{Name: r.GetName(),
		DisplayName: firstOf(md.Get("authorization")), Summary: summary}, nil
}

func (f *fakePlans) CreatePlan(context.Context, *itpv1.CreatePlanRequest) (
	*itpv1.Plan, error) {
	return nil, f.rejection.Err()
}

// fakeReviews sends one event, then fails the stream with NOT_FOUND.
type fakeReviews struct {
	itpv1.UnimplementedReviewServiceServer
}

func (fakeReviews) WatchPlanEvents(r *itpv1.WatchPlanEventsRequest,
	stream itpv1.ReviewService_WatchPlanEventsServer) error {
	if err := stream.Send(&itpv1.PlanEvent{Id: 1}); err != nil {
		return err
	}
	return status.Error(codes.NotFound, "no country "+r.GetParent())
}

func firstOf(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// dialFake starts the fakes on an in-memory listener and dials them with
// opts (plus the listener's dialer).
func dialFake(t *testing.T, opts Options) *Client {
	t.Helper()
	listener := bufconn.Listen(1 << 20)
	server := grpc.NewServer()
	itpv1.RegisterPlanServiceServer(server, &fakePlans{rejection: rejection(t)})
	itpv1.RegisterReviewServiceServer(server, fakeReviews{})
	go server.Serve(listener) //nolint:errcheck
	t.Cleanup(server.Stop)
	opts.DialOptions = append(opts.DialOptions, grpc.WithContextDialer(
		func(context.Context, string) (net.Conn, error) {
			return listener.Dial()
		}))
	client, err := Dial(opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

func TestCallsThroughAServer(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "partner.key")
	if err := os.WriteFile(keyFile, []byte("  itp_k1_secret \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	client := dialFake(t, Options{Address: "bufnet", APIKeyFile: keyFile})
	ctx := context.Background()

	// The key file's content, trimmed, goes in the authorization header;
	// a call without a deadline gets the default one.
	plan, err := client.Plans.GetPlan(ctx, &itpv1.GetPlanRequest{Name: "p"})
	if err != nil {
		t.Fatalf("GetPlan: %v", err)
	}
	if plan.GetDisplayName() != "Bearer itp_k1_secret" {
		t.Errorf("authorization = %q", plan.GetDisplayName())
	}
	if plan.GetSummary() != "deadline" {
		t.Errorf("the call had %s", plan.GetSummary())
	}

	// A unary call's error arrives as an *Error, details decoded from the
	// grpc-status-details-bin trailer.
	_, err = client.Plans.CreatePlan(ctx, &itpv1.CreatePlanRequest{})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("CreatePlan error %T %v is no *Error", err, err)
	}
	if e.Code != codes.InvalidArgument || e.Message != invalidMessage ||
		e.Reason != "INVALID_FIELDS" || e.Domain != "itp.leadit.org" ||
		e.Metadata["count"] != "2" || len(e.FieldViolations) != 2 ||
		e.FieldViolations[0] != (FieldViolation{"plan.sectors[0].base_year",
			"year 1850 is outside 1990-2100."}) ||
		e.RetryDelay != 2500*time.Millisecond {
		t.Errorf("CreatePlan error = %+v", e)
	}

	// A stream's error too, after the messages before it.
	stream, err := client.Reviews.WatchPlanEvents(ctx,
		&itpv1.WatchPlanEventsRequest{Parent: "countries/XXX"})
	if err != nil {
		t.Fatalf("WatchPlanEvents: %v", err)
	}
	if event, err := stream.Recv(); err != nil || event.GetId() != 1 {
		t.Fatalf("first Recv = %v, %v", event, err)
	}
	_, err = stream.Recv()
	if !errors.As(err, &e) || e.Code != codes.NotFound ||
		e.Message != "no country countries/XXX" {
		t.Errorf("second Recv error = %T %v", err, err)
	}
	if err == io.EOF {
		t.Errorf("the stream ended without its error")
	}
}

func TestNoKeyAndNoDefaultDeadline(t *testing.T) {
	client := dialFake(t, Options{Address: "bufnet", Timeout: -1})
	plan, err := client.Plans.GetPlan(context.Background(),
		&itpv1.GetPlanRequest{Name: "p"})
	if err != nil {
		t.Fatalf("GetPlan: %v", err)
	}
	if plan.GetDisplayName() != "" || plan.GetSummary() != "no deadline" {
		t.Errorf("got authorization %q, %s", plan.GetDisplayName(),
			plan.GetSummary())
	}
}

func TestDialRejectsAnEmptyKeyFile(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "empty.key")
	if err := os.WriteFile(keyFile, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Dial(Options{APIKeyFile: keyFile}); err == nil {
		t.Errorf("Dial accepted an empty key file")
	}
}

func TestOptionsFromEnv(t *testing.T) {
	t.Setenv("ITP_ADDRESS", "https://itp.example.org:443")
	t.Setenv("ITP_API_KEY", "k")
	t.Setenv("ITP_API_KEY_FILE", "/keys/partner.key")
	t.Setenv("ITP_TLS_CA", "/etc/itp/ca.pem")
	want := Options{Address: "https://itp.example.org:443", APIKey: "k",
		APIKeyFile: "/keys/partner.key", TLSCAFile: "/etc/itp/ca.pem"}
	if got := OptionsFromEnv(); got.Address != want.Address ||
		got.APIKey != want.APIKey || got.APIKeyFile != want.APIKeyFile ||
		got.TLSCAFile != want.TLSCAFile {
		t.Errorf("OptionsFromEnv() = %+v, want %+v", got, want)
	}
}
