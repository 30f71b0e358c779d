package org.leadit.itp.examples;

import java.util.UUID;
import org.leadit.itp.client.ItpClient;
import org.leadit.itp.client.ItpException;
import org.leadit.itp.v1.CreatePlanRequest;
import org.leadit.itp.v1.GetPlanRequest;
import org.leadit.itp.v1.ListPlansRequest;
import org.leadit.itp.v1.ListPlansResponse;
import org.leadit.itp.v1.PathwayPoint;
import org.leadit.itp.v1.Plan;
import org.leadit.itp.v1.SectorPathway;
import org.leadit.itp.v1.Sector;
import org.leadit.itp.v1.SubmitPlanRequest;
import org.leadit.itp.v1.Target;

/**
 * An ITP partner program in Java, on the itp-client library: creates a draft plan, submits it
 * with a request_id and retries the submit as a partner system would after a lost response, reads
 * it back, lists the country's plans a page at a time, and shows how a rejected plan's field
 * violations arrive.
 *
 * <p>Connection settings come from the environment, as for the {@code itp} CLI: ITP_ADDRESS,
 * ITP_API_KEY_FILE or ITP_API_KEY, ITP_TLS_CA. The plan id is the first argument (default
 * green-steel-2050).
 *
 * <pre>
 * ITP_ADDRESS=127.0.0.1:50051 ITP_API_KEY_FILE=partner.key \
 *     java -cp "$(cat build/classpath)" org.leadit.itp.examples.PartnerExample green-steel-2050
 * </pre>
 */
public final class PartnerExample {
  private static final String COUNTRY = "BRA";

  private PartnerExample() {}

  private static PathwayPoint point(int year, double productionMt, double intensity) {
    return PathwayPoint.newBuilder()
        .setYear(year)
        .setProductionMt(productionMt)
        .setIntensityTco2PerT(intensity)
        .build();
  }

  // A Brazilian steel plan (31.9 Mt of crude steel at 1.7 t CO2/t in 2023).
  private static Plan plan() {
    return Plan.newBuilder()
        .setDisplayName("Brazil low-carbon steel plan")
        .setSummary("Charcoal-based and hydrogen-ready ironmaking towards 2050")
        .setSubmittingBody("Ministry of Development, Industry, Trade and Services")
        .addSectors(
            SectorPathway.newBuilder()
                .setSector(Sector.IRON_AND_STEEL)
                .setBaseYear(2023)
                .addPoints(point(2023, 31.9, 1.7))
                .addPoints(point(2030, 36.0, 1.3))
                .addPoints(point(2050, 45.0, 0.2)))
        .addTargets(Target.newBuilder().setType(Target.Type.NET_ZERO).setTargetYear(2050))
        .build();
  }

  private static int run(ItpClient itp, String planId) {
    // 1. Create the draft.
    CreatePlanRequest create =
        CreatePlanRequest.newBuilder()
            .setParent("countries/" + COUNTRY)
            .setPlanId(planId)
            .setPlan(plan())
            .setRequestId(UUID.randomUUID().toString())
            .build();
    Plan draft = itp.call(() -> itp.plans().createPlan(create));
    System.out.printf(
        "created %s (%s, etag %s)%n", draft.getName(), draft.getState(), draft.getEtag());

    // 2. Submit it, then send the very same request again, as after a lost
    //    response: the server answers with the first result.
    SubmitPlanRequest submit =
        SubmitPlanRequest.newBuilder()
            .setName(draft.getName())
            .setEtag(draft.getEtag())
            .setRequestId(UUID.randomUUID().toString())
            .build();
    Plan submitted = itp.call(() -> itp.plans().submitPlan(submit));
    Plan retried = itp.call(() -> itp.plans().submitPlan(submit));
    System.out.printf(
        "submitted revision %d; retry with request_id %s returned revision %d and the same"
            + " etag: %s%n",
        submitted.getRevision(),
        submit.getRequestId(),
        retried.getRevision(),
        retried.getEtag().equals(submitted.getEtag()) ? "yes" : "no");

    // 3. Read it back.
    GetPlanRequest get = GetPlanRequest.newBuilder().setName(draft.getName()).build();
    Plan read = itp.call(() -> itp.plans().getPlan(get));
    System.out.printf(
        "read %s: \"%s\", %s, %d pathway points%n",
        read.getName(),
        read.getDisplayName(),
        read.getState(),
        read.getSectors(0).getPointsCount());

    // 4. List the country's plans, one a page, following next_page_token.
    ListPlansRequest.Builder list =
        ListPlansRequest.newBuilder().setParent("countries/" + COUNTRY).setPageSize(1);
    int pages = 0;
    int plans = 0;
    while (true) {
      ListPlansRequest request = list.build();
      ListPlansResponse page = itp.call(() -> itp.plans().listPlans(request));
      pages++;
      plans += page.getPlansCount();
      if (page.getNextPageToken().isEmpty()) {
        break;
      }
      list.setPageToken(page.getNextPageToken());
    }
    System.out.printf("listed %d plans of %s in %d pages%n", plans, COUNTRY, pages);

    // 5. A plan with mistakes: ItpException says which fields and why.
    CreatePlanRequest.Builder bad = create.toBuilder();
    bad.setPlanId(planId + "-draft").setRequestId(UUID.randomUUID().toString());
    bad.getPlanBuilder().getSectorsBuilder(0).setBaseYear(1850).getPointsBuilder(2).setYear(2200);
    try {
      itp.call(() -> itp.plans().createPlan(bad.build()));
    } catch (ItpException error) {
      System.out.printf(
          "rejected with code %d (%s), reason %s: %s%n",
          error.code().value(), error.code(), error.reason(), error.message());
      for (ItpException.FieldViolation violation : error.fieldViolations()) {
        System.out.printf("  %s: %s%n", violation.field(), violation.description());
      }
      return error.code() == io.grpc.Status.Code.INVALID_ARGUMENT ? 0 : 1;
    }
    System.err.println("CreatePlan accepted a plan with a base year of 1850");
    return 1;
  }

  public static void main(String[] args) {
    String planId = args.length > 0 ? args[0] : "green-steel-2050";
    int exitCode;
    try (ItpClient itp = ItpClient.connect()) {
      exitCode = run(itp, planId);
    } catch (ItpException
        | IllegalArgumentException
        | IllegalStateException
        | java.io.UncheckedIOException error) {
      System.err.println(error.getMessage());
      exitCode = 1;
    }
    System.out.flush();
    System.exit(exitCode);
  }
}
