package dev.credbroker.bench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store benchmark at a tiny size against a real PostgreSQL: every question ran and found what
 * the generated traffic holds, the shipper shipped the whole trail, and the report renders. It
 * asserts nothing about time.
 */
class StoreBenchTest {
  @Test
  void tinyRun_measuresEveryQuestion_andTheShipper() throws Exception {
    List<String> progress = new ArrayList<>();
    StoreBench.Result r = StoreBench.run(StoreBench.Options.parse("--records", "40000",
        "--samples", "20", "--reviews", "2", "--ship-records", "3000"), progress::add);

    assertEquals(40_000, r.records());
    assertEquals(List.of("subject, last 24 h", "subject, last 90 d", "access key id",
        "access review, 90 d"), List.copyOf(r.questions().keySet()));
    assertEquals(20, r.questions().get("access key id").rows(), "each key names one record");
    assertTrue(r.questions().get("subject, last 90 d").rows() > 0, r.toString());
    assertTrue(r.reviewGroups() > 0, r.toString());
    assertTrue(r.shipperPerSecond() > 0, r.toString());
    assertTrue(r.bytes().get("audit_records") > 0 && r.bytes().get("audit_records_subject") > 0,
        r.bytes().toString());
    assertTrue(r.bytes().get("audit_usage_daily rows") > 0, "the migration backfilled the rollup");
    assertTrue(StoreBench.render(r).contains("| access key id |"), StoreBench.render(r));
  }
}
