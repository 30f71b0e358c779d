// Command partner_example is an ITP partner program in Go, on the itp and
// itpv1 packages: it creates a draft plan, submits it with a request_id and
// retries the submit as a partner system would after a lost response, reads
// it back, lists the country's plans a page at a time, and shows how a
// rejected plan's field violations arrive.
//
// Connection settings come from the environment, as for the `itp` CLI:
// ITP_ADDRESS (host:port, https:// for TLS), ITP_API_KEY_FILE or ITP_API_KEY,
// ITP_TLS_CA. The plan id is the first argument (default green-steel-2050).
//
//	ITP_ADDRESS=127.0.0.1:50051 ITP_API_KEY_FILE=partner.key \
//	    ./partner_example green-steel-2050
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"

	"github.com/leadit/itp/client/go/itp"
	"github.com/leadit/itp/client/go/itpv1"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

const country = "BRA"

// A Brazilian steel plan (31.9 Mt of crude steel at 1.7 t CO2/t in 2023).
const planJSON = `{
  "display_name": "Brazil low-carbon steel plan",
  "summary": "Charcoal-based and hydrogen-ready ironmaking towards 2050",
  "submitting_body": "Ministry of Development, Industry, Trade and Services",
  "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2023, "points": [
    {"year": 2023, "production_mt": 31.9, "intensity_tco2_per_t": 1.7},
    {"year": 2030, "production_mt": 36.0, "intensity_tco2_per_t": 1.3},
    {"year": 2050, "production_mt": 45.0, "intensity_tco2_per_t": 0.2}]}],
  "targets": [{"type": "NET_ZERO", "target_year": 2050}]
}`

// newRequestID is a random version-4 UUID, the form ITP's request_id takes.
func newRequestID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10],
		b[10:])
}

func run(planID string) (int, error) {
	client, err := itp.Connect()
	if err != nil {
		return 0, err
	}
	defer client.Close()
	ctx := context.Background()

	// 1. Create the draft.
	plan := &itpv1.Plan{}
	if err := protojson.Unmarshal([]byte(planJSON), plan); err != nil {
		return 0, fmt.Errorf("the example's plan JSON: %w", err)
	}
	create := &itpv1.CreatePlanRequest{
		Parent:    "countries/" + country,
		PlanId:    planID,
		Plan:      plan,
		RequestId: newRequestID(),
	}
	draft, err := client.Plans.CreatePlan(ctx, create)
	if err != nil {
		return 0, fmt.Errorf("CreatePlan: %w", err)
	}
	fmt.Printf("created %s (%s, etag %s)\n", draft.GetName(),
		draft.GetState(), draft.GetEtag())

	// 2. Submit it, then send the very same request again, as after a lost
	//    response: the server answers with the first result.
	submit := &itpv1.SubmitPlanRequest{
		Name:      draft.GetName(),
		Etag:      draft.GetEtag(),
		RequestId: newRequestID(),
	}
	submitted, err := client.Plans.SubmitPlan(ctx, submit)
	if err != nil {
		return 0, fmt.Errorf("SubmitPlan: %w", err)
	}
	retried, err := client.Plans.SubmitPlan(ctx, submit)
	if err != nil {
		return 0, fmt.Errorf("SubmitPlan (retry): %w", err)
	}
	same := "no"
	if retried.GetEtag() == submitted.GetEtag() {
		same = "yes"
	}
	fmt.Printf("submitted revision %d; retry with request_id %s returned "+
		"revision %d and the same etag: %s\n", submitted.GetRevision(),
		submit.GetRequestId(), retried.GetRevision(), same)

	// 3. Read it back.
	read, err := client.Plans.GetPlan(ctx,
		&itpv1.GetPlanRequest{Name: draft.GetName()})
	if err != nil {
		return 0, fmt.Errorf("GetPlan: %w", err)
	}
	fmt.Printf("read %s: \"%s\", %s, %d pathway points\n", read.GetName(),
		read.GetDisplayName(), read.GetState(),
		len(read.GetSectors()[0].GetPoints()))

	// 4. List the country's plans, one a page, following next_page_token.
	list := &itpv1.ListPlansRequest{Parent: "countries/" + country,
		PageSize: 1}
	pages, plans := 0, 0
	for {
		page, err := client.Plans.ListPlans(ctx, list)
		if err != nil {
			return 0, fmt.Errorf("ListPlans: %w", err)
		}
		pages++
		plans += len(page.GetPlans())
		if page.GetNextPageToken() == "" {
			break
		}
		list.PageToken = page.GetNextPageToken()
	}
	fmt.Printf("listed %d plans of %s in %d pages\n", plans, country, pages)

	// 5. A plan with mistakes: the *itp.Error says which fields and why.
	bad := proto.Clone(create).(*itpv1.CreatePlanRequest)
	bad.PlanId = planID + "-draft"
	bad.RequestId = newRequestID()
	bad.Plan.Sectors[0].BaseYear = 1850
	bad.Plan.Sectors[0].Points[2].Year = 2200
	_, err = client.Plans.CreatePlan(ctx, bad)
	var rejected *itp.Error
	if !errors.As(err, &rejected) {
		if err == nil {
			err = errors.New("CreatePlan accepted a plan with a base " +
				"year of 1850")
		}
		return 0, err
	}
	fmt.Printf("rejected with code %d (%s), reason %s: %s\n",
		uint32(rejected.Code), rejected.CodeName(), rejected.Reason,
		rejected.Message)
	for _, violation := range rejected.FieldViolations {
		fmt.Printf("  %s: %s\n", violation.Field, violation.Description)
	}
	if rejected.Code != codes.InvalidArgument {
		return 1, nil
	}
	return 0, nil
}

func main() {
	planID := "green-steel-2050"
	if len(os.Args) > 1 {
		planID = os.Args[1]
	}
	exitCode, err := run(planID)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(exitCode)
}
