package dev.funnel.csvimport;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.SparkTestSession;
import dev.funnel.cli.ExitCodes;
import dev.funnel.io.CsvImport;
import dev.funnel.io.InputException;
import dev.funnel.io.Schemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The import of the three sample exports of the README, against events and rejections worked by
 * hand from the sample files, and the CSV edge cases: blank lines, short and long rows, a quoted
 * line break, bytes that are not valid in the encoding, a byte-order mark, a missing column.
 */
class CsvImportTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  private CsvImport.Result run(String yaml, Path input, Path out) {
    Path config = ImportFixtures.write(tmp, "c", yaml);
    return new CsvImport(spark, ImportFixtures.funnel(config), ImportFixtures.importSection(config))
        .run(List.of(input.toString()), out.toString());
  }

  private static String event(Row r) {
    StringBuilder s =
        new StringBuilder()
            .append(r.getString(0))
            .append(' ')
            .append(r.getString(1))
            .append(' ')
            .append(((Timestamp) r.get(2)).toInstant())
            .append(' ')
            .append(r.get(3));
    for (int i = 4; i < r.length(); i++) {
      s.append(" | ").append(r.get(i));
    }
    return s.toString();
  }

  private List<String> events(Path out) {
    Dataset<Row> events = spark.read().parquet(out.toString());
    return events.orderBy("lead_id", "entered_at", "stage").collectAsList().stream()
        .map(CsvImportTest::event)
        .collect(Collectors.toList());
  }

  /** The rejected rows, read file by file (Spark skips a folder named with a leading '_'). */
  static List<String> rejected(SparkSession spark, Path out) {
    String[] files;
    try (var list = Files.list(out.resolve("_rejected"))) {
      files = list.map(Path::toString).filter(f -> f.endsWith(".parquet")).toArray(String[]::new);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return spark
        .read()
        .schema(Schemas.load(CsvImport.REJECTED_TABLE))
        .parquet(files)
        .orderBy("line_number")
        .collectAsList()
        .stream()
        .map(r -> r.getLong(1) + " " + r.getString(2) + ": " + r.getString(3))
        .collect(Collectors.toList());
  }

  private static void assertAccounting(
      CsvImport.Result r, long read, long used, long events, Map<String, Long> reasons) {
    assertAll(
        () -> assertEquals(read, r.rowsRead()),
        () -> assertEquals(used, r.rowsUsed()),
        () -> assertEquals(read - used, r.rowsRejected()),
        () -> assertEquals(events, r.events()),
        () -> assertEquals(reasons, r.rejectedByReason()),
        () -> assertTrue(r.files().stream().allMatch(CsvImport.FileResult::accountingHolds)));
  }

  @Test
  void salesforceLongExport() {
    Path out = tmp.resolve("sf");
    CsvImport.Result r =
        run(
            ImportFixtures.SALESFORCE,
            ImportFixtures.sample("salesforce_opportunity_history.csv"),
            out);
    // 12 data lines: 8 events; lines 9-12 rejected, one reason each.
    assertAccounting(
        r,
        12,
        8,
        8,
        Map.of(
            "unknown_stage", 1L,
            "missing_lead_id", 1L,
            "unparsable_timestamp", 1L,
            "unparsable_amount", 1L));
    assertEquals(
        List.of(
            "006A1 lead 2024-03-04T09:15:00Z null | Web",
            "006A1 mql 2024-03-06T14:00:00Z 12000.0 | Web",
            "006A1 won 2024-03-20T10:30:00Z 12500.0 | Web",
            "006A2 lead 2024-03-05T08:00:00Z null | Partner Referral",
            "006A2 mql 2024-03-07T16:45:00Z 8000.0 | Partner Referral",
            "006A2 lost 2024-03-28T11:00:00Z 8000.0 | Partner Referral",
            "006A3 lead 2024-03-11T13:20:00Z null | Web",
            "006A5 lead 2024-03-18T10:00:00Z null | Web, Paid"),
        events(out));
    assertEquals(
        List.of(
            "9 unknown_stage: 'Negotiation/Review' is neither a stage (lead, mql, sql, opportunity,"
                + " won, lost) nor renamed in import.stage_values",
            "10 missing_lead_id: column 'OpportunityId' is empty",
            "11 unparsable_timestamp: column 'CreatedDate': '03/13/2024 10:00' does not match"
                + " ISO-8601",
            "12 unparsable_amount: column 'Amount': 'n/a' is not a number with decimal mark '.'"),
        rejected(spark, out));
  }

  @Test
  void hubspotWideExport() {
    Path out = tmp.resolve("hs");
    CsvImport.Result r =
        run(ImportFixtures.HUBSPOT, ImportFixtures.sample("hubspot_deals.csv"), out);
    // Deals 1001 (4 dates + won), 1002 (2 dates + lost), 1003 (4 dates, open), 1004 (2 dates).
    assertAccounting(
        r,
        8,
        4,
        5 + 3 + 4 + 2,
        Map.of(
            "unparsable_timestamp", 1L,
            "missing_outcome_date", 1L,
            "no_stage_dates", 1L,
            "missing_lead_id", 1L));
    // New York is UTC-5 in February and March (before 2024-03-10).
    assertEquals(
        List.of(
            "1001 lead 2024-02-01T14:00:00Z null | Organic Search",
            "1001 mql 2024-02-03T15:30:00Z null | Organic Search",
            "1001 sql 2024-02-10T20:00:00Z null | Organic Search",
            "1001 opportunity 2024-02-20T16:00:00Z null | Organic Search",
            "1001 won 2024-03-01T21:00:00Z 25000.0 | Organic Search",
            "1002 lead 2024-02-02T17:00:00Z null | Paid Social",
            "1002 mql 2024-02-05T14:15:00Z null | Paid Social",
            "1002 lost 2024-02-26T15:00:00Z 4000.0 | Paid Social",
            "1003 lead 2024-02-05T13:00:00Z null | Organic Search",
            "1003 mql 2024-02-06T13:00:00Z null | Organic Search",
            "1003 sql 2024-02-12T18:00:00Z null | Organic Search",
            "1003 opportunity 2024-02-27T14:30:00Z 15000.0 | Organic Search",
            "1004 lead 2024-02-07T15:00:00Z null | Direct Traffic",
            "1004 mql 2024-02-08T22:45:00Z null | Direct Traffic"),
        events(out));
    assertEquals(
        List.of(
            "6 unparsable_timestamp: column 'Date entered MQL': '2024-02-31 09:00' does not match"
                + " yyyy-MM-dd HH:mm",
            "7 missing_outcome_date: outcome 'Closed Won' but column 'Close Date' is empty",
            "8 no_stage_dates: no date in Date entered Lead, Date entered MQL, Date entered SQL,"
                + " Date entered Opportunity and no outcome",
            "9 missing_lead_id: column 'Record ID' is empty"),
        rejected(spark, out));
  }

  private static final List<String> RUSSIAN_EVENTS =
      List.of(
          "5001 заявка 2024-03-01T07:15:00Z null | Сайт | Иванова",
          "5001 квалифицирован 2024-03-02T09:00:00Z 150000.5 | Сайт | Иванова",
          "5001 встреча 2024-03-05T12:30:00Z 150000.5 | Сайт | Иванова",
          "5001 оплачено 2024-03-20T15:00:00Z 148500.0 | Сайт | Иванова",
          "5002 заявка 2024-03-03T06:00:00Z null | Яндекс.Директ | Сидоров",
          "5002 отказ 2024-03-04T08:20:00Z null | Яндекс.Директ | Сидоров",
          "5004 заявка 2024-03-07T05:45:00Z null | (none) | Сидоров");

  @Test
  void russianExcelExportInWindows1251() {
    Path out = tmp.resolve("ru");
    CsvImport.Result r =
        run(ImportFixtures.RUSSIAN, ImportFixtures.sample("russian_excel_export.csv"), out);
    assertAccounting(r, 9, 7, 7, Map.of("unparsable_timestamp", 1L, "unparsable_amount", 1L));
    // Moscow is UTC+3; "150 000,50" is 150000.5; 31.04. does not exist.
    assertEquals(RUSSIAN_EVENTS, events(out));
    assertEquals(
        List.of(
            "8 unparsable_timestamp: column 'Дата перехода': '31.04.2024 10:00' does not match"
                + " dd.MM.yyyy HH:mm",
            "9 unparsable_amount: column 'Бюджет': '12,5,0' is not a number with decimal mark ','"),
        rejected(spark, out));
    // The dimension columns keep their Cyrillic names in the Parquet output.
    assertEquals(
        List.of("lead_id", "stage", "entered_at", "amount", "источник", "ответственный"),
        List.of(spark.read().parquet(out.toString()).columns()));
  }

  @Test
  void sameExportInUtf8WithAByteOrderMark() {
    Path out = tmp.resolve("bom");
    CsvImport.Result r =
        run(
            ImportFixtures.RUSSIAN.replace("encoding: windows-1251", "encoding: UTF-8"),
            ImportFixtures.sample("russian_excel_export_utf8_bom.csv"),
            out);
    assertAccounting(r, 9, 7, 7, Map.of("unparsable_timestamp", 1L, "unparsable_amount", 1L));
    assertEquals(RUSSIAN_EVENTS, events(out));
  }

  private static final String PLAIN =
      """
      name: plain
      timezone: UTC
      stages: [lead, won]
      conversion_window_days: 30
      dimensions: [source]
      import: {layout: long}
      """;

  @Test
  void blankLinesShortAndLongRowsQuotedLineBreaksAndBadBytes() throws IOException {
    Path csv = tmp.resolve("edge.csv");
    byte[] badByte = {(byte) 0xC3, (byte) 0x28};
    try (var outStream = Files.newOutputStream(csv)) {
      outStream.write(
          ("lead_id,stage,entered_at,source\r\n"
                  + "L1,lead,2024-01-01,web\r\n"
                  + "\r\n"
                  + "L2,lead,2024-01-02\r\n"
                  + "L3,lead,2024-01-03,web,extra\r\n"
                  + "L4,lead,2024-01-04,\"two\r\n"
                  + "lines\"\r\n"
                  + "L5,lead,2024-01-05,")
              .getBytes(StandardCharsets.UTF_8));
      outStream.write(badByte);
      outStream.write(
          "\r\n   \r\nL6,won,2024-01-06T12:00+01:00,\"a \"\"quoted\"\" one\"\n".getBytes());
    }
    Path out = tmp.resolve("edge");
    CsvImport.Result r = run(PLAIN, csv, out);
    // 10 lines: the header, 2 blank ones, 7 rows: the quoted line break makes L4 two rows, line 6
    // ending inside the quotes and line 7 with one field; L2 is short, L3 long, L5 bad UTF-8.
    assertAccounting(
        r, 7, 2, 2, Map.of("wrong_field_count", 3L, "unclosed_quote", 1L, "invalid_encoding", 1L));
    assertEquals(2, r.files().get(0).blankLines());
    assertEquals(
        List.of(
            "L1 lead 2024-01-01T00:00:00Z null | web",
            "L6 won 2024-01-06T11:00:00Z null | a \"quoted\" one"),
        events(out));
    assertEquals(
        List.of(
            "4 wrong_field_count: expected 4 fields separated by ','",
            "5 wrong_field_count: expected 4 fields separated by ','",
            "6 unclosed_quote: the line ends inside a quoted field (an unclosed quote, or a quoted"
                + " line break, which import does not support)",
            "7 wrong_field_count: expected 4 fields separated by ','",
            "8 invalid_encoding: bytes that are not valid UTF-8 text"),
        rejected(spark, out));
  }

  @Test
  void writesOnlyIntoANewOrEmptyFolderOrOverAnEarlierImport() throws IOException {
    var hadoop = spark.sparkContext().hadoopConfiguration();
    assertTrue(CsvImport.mayWrite(tmp.resolve("new").toString(), hadoop));
    Files.createDirectories(tmp.resolve("empty"));
    assertTrue(CsvImport.mayWrite(tmp.resolve("empty").toString(), hadoop));
    Files.createDirectories(tmp.resolve("home/documents"));
    assertTrue(!CsvImport.mayWrite(tmp.resolve("home").toString(), hadoop), "never deleted");
    Path out = tmp.resolve("again");
    run(ImportFixtures.HUBSPOT, ImportFixtures.sample("hubspot_deals.csv"), out);
    assertTrue(CsvImport.mayWrite(out.toString(), hadoop));
    // A second import replaces the first: the same rows, not twice as many.
    run(ImportFixtures.HUBSPOT, ImportFixtures.sample("hubspot_deals.csv"), out);
    assertEquals(14, events(out).size());
    assertEquals(4, rejected(spark, out).size());
  }

  @Test
  void aMissingMappedColumnStopsWithTheHeadersFound() {
    String yaml = ImportFixtures.RUSSIAN.replace("\"Бюджет\"", "\"Сумма\"");
    InputException e =
        assertThrows(
            InputException.class,
            () -> run(yaml, ImportFixtures.sample("russian_excel_export.csv"), tmp.resolve("x")));
    assertEquals(ExitCodes.INPUT, ExitCodes.of(e));
    assertTrue(
        e.getMessage()
            .endsWith(
                "russian_excel_export.csv: column 'Сумма' (import.columns.amount) is missing;"
                    + " headers found: 'ID сделки', 'Название', 'Этап', 'Дата перехода', 'Бюджет',"
                    + " 'Источник', 'Ответственный'"),
        e.getMessage());
    assertTrue(Files.notExists(tmp.resolve("x")), "nothing written");
  }
}
