package itp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// FieldViolation is one invalid field of a rejected request, from the
// google.rpc.BadRequest the server sends with INVALID_ARGUMENT.
type FieldViolation struct {
	// Field is the path of the field, e.g. "plan.sectors[0].base_year".
	Field string
	// Description says what is wrong with it.
	Description string
}

// Error is a failed ITP call with the details the server sent in the
// `grpc-status-details-bin` trailer (a google.rpc.Status).
//
// It implements GRPCStatus, so status.Code(err) and status.FromError(err)
// keep working on it.
type Error struct {
	// Code is the gRPC status code, e.g. codes.InvalidArgument.
	Code codes.Code
	// Message is the status message.
	Message string
	// Reason, Domain and Metadata come from a google.rpc.ErrorInfo, e.g.
	// reason "INVALID_FIELDS" or "PLAN_NOT_FOUND"; empty without one.
	Reason   string
	Domain   string
	Metadata map[string]string
	// FieldViolations come from a google.rpc.BadRequest; nil without one.
	FieldViolations []FieldViolation
	// RetryDelay comes from a google.rpc.RetryInfo: how long to wait before
	// retrying. Zero without one.
	RetryDelay time.Duration

	status *status.Status
}

// Error is "CODE: message", then one "  field: description" line per field
// violation.
func (e *Error) Error() string {
	var text strings.Builder
	fmt.Fprintf(&text, "%s: %s", CodeName(e.Code), e.Message)
	for _, v := range e.FieldViolations {
		fmt.Fprintf(&text, "\n  %s: %s", v.Field, v.Description)
	}
	return text.String()
}

// CodeName is the canonical name of the error's code, e.g.
// "INVALID_ARGUMENT".
func (e *Error) CodeName() string { return CodeName(e.Code) }

// GRPCStatus is the status the error was made from, details included.
func (e *Error) GRPCStatus() *status.Status {
	if e.status == nil {
		return status.New(e.Code, e.Message)
	}
	return e.status
}

// FromError is the *Error for an error returned by a gRPC call: nil for nil,
// err itself when it is (or wraps) an *Error, otherwise decoded from the
// gRPC status err carries (also when wrapped). A context error gives
// CANCELLED or DEADLINE_EXCEEDED, any other error UNKNOWN with its text as
// the message.
func FromError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var withStatus interface{ GRPCStatus() *status.Status }
	switch {
	case errors.As(err, &withStatus):
		return FromStatus(withStatus.GRPCStatus())
	case errors.Is(err, context.DeadlineExceeded):
		return FromStatus(status.New(codes.DeadlineExceeded, err.Error()))
	case errors.Is(err, context.Canceled):
		return FromStatus(status.New(codes.Canceled, err.Error()))
	default:
		return FromStatus(status.New(codes.Unknown, err.Error()))
	}
}

// FromStatus is the *Error for a non-OK status: its code and message, and
// the ErrorInfo, BadRequest and RetryInfo among its details. Details of
// other types, or that do not decode, are left out (they stay in
// GRPCStatus().Details()). It returns nil for a nil or OK status.
func FromStatus(s *status.Status) *Error {
	if s == nil || s.Code() == codes.OK {
		return nil
	}
	e := &Error{Code: s.Code(), Message: s.Message(), status: s}
	for _, detail := range s.Details() {
		switch d := detail.(type) {
		case *errdetails.ErrorInfo:
			e.Reason = d.GetReason()
			e.Domain = d.GetDomain()
			if len(d.GetMetadata()) > 0 {
				e.Metadata = make(map[string]string, len(d.GetMetadata()))
				for k, v := range d.GetMetadata() {
					e.Metadata[k] = v
				}
			}
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				e.FieldViolations = append(e.FieldViolations,
					FieldViolation{Field: v.GetField(),
						Description: v.GetDescription()})
			}
		case *errdetails.RetryInfo:
			delay := d.GetRetryDelay()
			e.RetryDelay = time.Duration(delay.GetSeconds())*time.Second +
				time.Duration(delay.GetNanos())
		}
	}
	return e
}

// CodeName is the canonical (google.rpc.Code) name of a gRPC code, e.g.
// "INVALID_ARGUMENT" for codes.InvalidArgument.
func CodeName(c codes.Code) string {
	if name, ok := codeNames[c]; ok {
		return name
	}
	return fmt.Sprintf("CODE(%d)", uint32(c))
}

var codeNames = map[codes.Code]string{
	codes.OK:                 "OK",
	codes.Canceled:           "CANCELLED",
	codes.Unknown:            "UNKNOWN",
	codes.InvalidArgument:    "INVALID_ARGUMENT",
	codes.DeadlineExceeded:   "DEADLINE_EXCEEDED",
	codes.NotFound:           "NOT_FOUND",
	codes.AlreadyExists:      "ALREADY_EXISTS",
	codes.PermissionDenied:   "PERMISSION_DENIED",
	codes.ResourceExhausted:  "RESOURCE_EXHAUSTED",
	codes.FailedPrecondition: "FAILED_PRECONDITION",
	codes.Aborted:            "ABORTED",
	codes.OutOfRange:         "OUT_OF_RANGE",
	codes.Unimplemented:      "UNIMPLEMENTED",
	codes.Internal:           "INTERNAL",
	codes.Unavailable:        "UNAVAILABLE",
	codes.DataLoss:           "DATA_LOSS",
	codes.Unauthenticated:    "UNAUTHENTICATED",
}

func isEOF(err error) bool { return err == io.EOF }
