// Package itp is a small Go client for the ITP (Industry Transition Plan)
// API: Connect opens a gRPC connection configured as the `itp` CLI is
// (ITP_ADDRESS, ITP_API_KEY_FILE or ITP_API_KEY, ITP_TLS_CA), sends the API
// key on every call, and returns typed clients of every itp.v1 service
// (package itpv1, generated from proto/ by generate.sh).
//
//	client, err := itp.Connect()
//	if err != nil { ... }
//	defer client.Close()
//	plan, err := client.Plans.GetPlan(ctx, &itpv1.GetPlanRequest{
//		Name: "countries/IND/plans/steel-2070"})
//	var e *itp.Error
//	if errors.As(err, &e) {
//		fmt.Println(e.Code, e.Reason, e.FieldViolations)
//	}
//
// Every failed call of a Client's service clients returns an *Error with the
// server's google.rpc details decoded (see FromError).
package itp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/leadit/itp/client/go/itpv1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// DefaultAddress is the server address when neither Options.Address nor
// ITP_ADDRESS gives one.
const DefaultAddress = "127.0.0.1:50051"

// DefaultTimeout is the deadline given to unary calls whose context has none.
const DefaultTimeout = 30 * time.Second

// Options say where the server is and how to authenticate.
type Options struct {
	// Address is host:port; "https://host:port" means TLS ("http://" is
	// accepted and ignored). Empty means DefaultAddress.
	Address string
	// APIKey is sent as `authorization: Bearer <key>` on every call. When
	// empty, the key is read from APIKeyFile (surrounding whitespace
	// trimmed). With neither, calls carry no key.
	APIKey     string
	APIKeyFile string
	// TLSCAFile is a PEM file of the CA certificates to trust; setting it
	// turns TLS on. With TLS and no CA file the system's roots are used.
	TLSCAFile string
	// Timeout is the deadline of unary calls whose context has none: 0 means
	// DefaultTimeout, a negative value none. Streams get no default deadline.
	Timeout time.Duration
	// DialOptions are appended to the ones Dial sets.
	DialOptions []grpc.DialOption
}

// OptionsFromEnv reads ITP_ADDRESS, ITP_API_KEY, ITP_API_KEY_FILE and
// ITP_TLS_CA, as the `itp` CLI does (ITP_API_KEY wins over the file).
func OptionsFromEnv() Options {
	return Options{
		Address:    os.Getenv("ITP_ADDRESS"),
		APIKey:     os.Getenv("ITP_API_KEY"),
		APIKeyFile: os.Getenv("ITP_API_KEY_FILE"),
		TLSCAFile:  os.Getenv("ITP_TLS_CA"),
	}
}

// Client holds one connection and a client of every ITP service on it.
// Errors of their calls are *Error values.
type Client struct {
	Conn       *grpc.ClientConn
	Plans      itpv1.PlanServiceClient
	Reviews    itpv1.ReviewServiceClient
	Progress   itpv1.ProgressServiceClient
	Benchmarks itpv1.BenchmarkServiceClient
	Jobs       itpv1.BenchmarkJobServiceClient
	Admin      itpv1.AdminServiceClient
	Health     healthpb.HealthClient
}

// Close closes the connection.
func (c *Client) Close() error { return c.Conn.Close() }

// Connect is Dial(OptionsFromEnv()).
func Connect() (*Client, error) { return Dial(OptionsFromEnv()) }

// Dial opens a connection as opts say. Like grpc.Dial it does not wait for
// the server: an unreachable server shows as UNAVAILABLE on the first call.
func Dial(opts Options) (*Client, error) {
	target, useTLS := ParseAddress(opts.Address)
	if opts.TLSCAFile != "" {
		useTLS = true
	}
	key, err := resolveAPIKey(opts)
	if err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	dial := []grpc.DialOption{
		grpc.WithChainUnaryInterceptor(unaryInterceptor(timeout)),
		grpc.WithChainStreamInterceptor(streamInterceptor),
	}
	if useTLS {
		config := &tls.Config{MinVersion: tls.VersionTLS12}
		if opts.TLSCAFile != "" {
			pem, err := os.ReadFile(expandHome(opts.TLSCAFile))
			if err != nil {
				return nil, fmt.Errorf("itp: TLS CA file: %w", err)
			}
			config.RootCAs = x509.NewCertPool()
			if !config.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("itp: TLS CA file %s holds no PEM "+
					"certificate", opts.TLSCAFile)
			}
		}
		dial = append(dial, grpc.WithTransportCredentials(
			credentials.NewTLS(config)))
	} else {
		dial = append(dial, grpc.WithInsecure())
	}
	if key != "" {
		dial = append(dial, grpc.WithPerRPCCredentials(bearerKey(key)))
	}
	conn, err := grpc.Dial(target, append(dial, opts.DialOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("itp: connecting to %s: %w", target, err)
	}
	return NewClient(conn), nil
}

// NewClient makes the service clients on a connection the caller opened.
// Their errors are *Error values only when the connection has the
// interceptors Dial adds; otherwise pass them through FromError.
func NewClient(conn *grpc.ClientConn) *Client {
	return &Client{
		Conn:       conn,
		Plans:      itpv1.NewPlanServiceClient(conn),
		Reviews:    itpv1.NewReviewServiceClient(conn),
		Progress:   itpv1.NewProgressServiceClient(conn),
		Benchmarks: itpv1.NewBenchmarkServiceClient(conn),
		Jobs:       itpv1.NewBenchmarkJobServiceClient(conn),
		Admin:      itpv1.NewAdminServiceClient(conn),
		Health:     healthpb.NewHealthClient(conn),
	}
}

// ParseAddress splits an ITP address into the gRPC target and whether it
// asks for TLS: "https://host:port/" -> ("host:port", true).
func ParseAddress(address string) (target string, useTLS bool) {
	if address == "" {
		address = DefaultAddress
	}
	if strings.HasPrefix(address, "https://") {
		address, useTLS = strings.TrimPrefix(address, "https://"), true
	} else {
		address = strings.TrimPrefix(address, "http://")
	}
	return strings.TrimSuffix(address, "/"), useTLS
}

func resolveAPIKey(opts Options) (string, error) {
	if opts.APIKey != "" || opts.APIKeyFile == "" {
		return opts.APIKey, nil
	}
	path := expandHome(opts.APIKeyFile)
	contents, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("itp: API key file: %w", err)
	}
	key := strings.TrimSpace(string(contents))
	if key == "" {
		return "", fmt.Errorf("itp: the API key file %s is empty", path)
	}
	return key, nil
}

func expandHome(path string) string {
	if path == "~" || strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, path[1:])
		}
	}
	return path
}

// bearerKey sends the API key as `authorization: Bearer <key>`. It does not
// require TLS, so that a server on localhost can be reached in plain text.
type bearerKey string

func (k bearerKey) GetRequestMetadata(context.Context, ...string) (
	map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(k)}, nil
}

func (bearerKey) RequireTransportSecurity() bool { return false }

func unaryInterceptor(timeout time.Duration) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply interface{},
		cc *grpc.ClientConn, invoker grpc.UnaryInvoker,
		opts ...grpc.CallOption) error {
		if _, ok := ctx.Deadline(); !ok && timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		if err := invoker(ctx, method, req, reply, cc, opts...); err != nil {
			return FromError(err)
		}
		return nil
	}
}

func streamInterceptor(ctx context.Context, desc *grpc.StreamDesc,
	cc *grpc.ClientConn, method string, streamer grpc.Streamer,
	opts ...grpc.CallOption) (grpc.ClientStream, error) {
	stream, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		return nil, FromError(err)
	}
	return errorStream{stream}, nil
}

// errorStream turns a stream's errors, except io.EOF at its end, into
// *Error values.
type errorStream struct{ grpc.ClientStream }

func (s errorStream) SendMsg(m interface{}) error {
	return convertStreamError(s.ClientStream.SendMsg(m))
}

func (s errorStream) RecvMsg(m interface{}) error {
	return convertStreamError(s.ClientStream.RecvMsg(m))
}

func (s errorStream) CloseSend() error {
	return convertStreamError(s.ClientStream.CloseSend())
}

func convertStreamError(err error) error {
	if err == nil || isEOF(err) {
		return err
	}
	return FromError(err)
}
