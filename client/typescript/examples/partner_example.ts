// An ITP partner program in TypeScript, on @leadit/itp-client: creates a
// draft plan, submits it with a request_id and retries the submit as a
// partner system would after a lost response, reads it back, lists the
// country's plans a page at a time, and shows how a rejected plan's field
// violations arrive.
//
// Connection settings come from the environment, as for the `itp` CLI:
// ITP_ADDRESS (host:port, https:// for TLS), ITP_API_KEY_FILE or ITP_API_KEY,
// ITP_TLS_CA. The plan id is the first argument (default green-steel-2050).
//
//   npm run build
//   ITP_ADDRESS=127.0.0.1:50051 ITP_API_KEY_FILE=partner.key \
//     node dist/examples/partner_example.js green-steel-2050
import { randomUUID } from "node:crypto";

import { clone, create, fromJson } from "@bufbuild/protobuf";

import {
  connect,
  Code,
  CreatePlanRequestSchema,
  ItpError,
  ListPlansRequestSchema,
  Plan_State,
  PlanSchema,
  SubmitPlanRequestSchema,
} from "@leadit/itp-client";

const COUNTRY = "BRA";
// A Brazilian steel plan (31.9 Mt of crude steel at 1.7 t CO2/t in 2023).
const PLAN = {
  display_name: "Brazil low-carbon steel plan",
  summary: "Charcoal-based and hydrogen-ready ironmaking towards 2050",
  submitting_body: "Ministry of Development, Industry, Trade and Services",
  sectors: [{
    sector: "IRON_AND_STEEL", base_year: 2023, points: [
      { year: 2023, production_mt: 31.9, intensity_tco2_per_t: 1.7 },
      { year: 2030, production_mt: 36.0, intensity_tco2_per_t: 1.3 },
      { year: 2050, production_mt: 45.0, intensity_tco2_per_t: 0.2 }],
  }],
  targets: [{ type: "NET_ZERO", target_year: 2050 }],
};

async function main(): Promise<number> {
  const planId = process.argv[2] ?? "green-steel-2050";
  const itp = connect();

  // 1. Create the draft.
  const createRequest = create(CreatePlanRequestSchema, {
    parent: `countries/${COUNTRY}`,
    planId,
    plan: fromJson(PlanSchema, PLAN),
    requestId: randomUUID(),
  });
  const draft = await itp.plans.createPlan(createRequest);
  console.log(`created ${draft.name} (${Plan_State[draft.state]}, etag ${draft.etag})`);

  // 2. Submit it, then send the very same request again, as after a lost
  //    response: the server answers with the first result.
  const submit = create(SubmitPlanRequestSchema, {
    name: draft.name, etag: draft.etag, requestId: randomUUID(),
  });
  const submitted = await itp.plans.submitPlan(submit);
  const retried = await itp.plans.submitPlan(submit);
  console.log(`submitted revision ${submitted.revision}; retry with request_id ` +
    `${submit.requestId} returned revision ${retried.revision} and the same etag: ` +
    (retried.etag === submitted.etag ? "yes" : "no"));

  // 3. Read it back.
  const read = await itp.plans.getPlan({ name: draft.name });
  console.log(`read ${read.name}: "${read.displayName}", ${Plan_State[read.state]}, ` +
    `${read.sectors[0].points.length} pathway points`);

  // 4. List the country's plans, one a page, following next_page_token.
  const list = create(ListPlansRequestSchema, { parent: `countries/${COUNTRY}`, pageSize: 1 });
  let pages = 0;
  let plans = 0;
  for (;;) {
    const page = await itp.plans.listPlans(list);
    pages += 1;
    plans += page.plans.length;
    if (!page.nextPageToken) break;
    list.pageToken = page.nextPageToken;
  }
  console.log(`listed ${plans} plans of ${COUNTRY} in ${pages} pages`);

  // 5. A plan with mistakes: ItpError says which fields and why.
  const bad = clone(CreatePlanRequestSchema, createRequest);
  bad.planId = `${planId}-draft`;
  bad.requestId = randomUUID();
  bad.plan!.sectors[0].baseYear = 1850;
  bad.plan!.sectors[0].points[2].year = 2200;
  try {
    await itp.plans.createPlan(bad);
  } catch (e) {
    if (!(e instanceof ItpError)) throw e;
    console.log(`rejected with code ${e.code} (${e.codeName}), reason ${e.reason}: ${e.message}`);
    for (const violation of e.fieldViolations) {
      console.log(`  ${violation.field}: ${violation.description}`);
    }
    return e.code === Code.InvalidArgument ? 0 : 1;
  }
  console.error("CreatePlan accepted a plan with a base year of 1850");
  return 1;
}

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    console.error(e instanceof ItpError ? e.toString() : e);
    process.exitCode = 1;
  });
