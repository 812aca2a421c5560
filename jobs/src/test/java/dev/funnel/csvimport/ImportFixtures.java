package dev.funnel.csvimport;

import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.ImportConfig;
import dev.funnel.config.ImportSection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The three worked configurations of the README's "From your CRM export" and their sample files
 * (test resources under {@code import/}).
 */
public final class ImportFixtures {
  /** A Salesforce OpportunityHistory report: long, comma, ISO timestamps in UTC. */
  public static final String SALESFORCE =
      """
      name: salesforce
      timezone: America/Chicago
      stages: [lead, mql, sql, opportunity, won]
      lost_stages: [lost]
      conversion_window_days: 90
      dimensions: [lead_source]
      import:
        layout: long
        columns: {lead_id: OpportunityId, stage: StageName, entered_at: CreatedDate,
                  amount: Amount, lead_source: LeadSource}
        stage_values: {Prospecting: lead, Qualification: mql, Needs Analysis: sql,
                       "Proposal/Price Quote": opportunity, Closed Won: won, Closed Lost: lost}
      """;

  /** A HubSpot deal export: wide, one "Date entered" column per stage, local times. */
  public static final String HUBSPOT =
      """
      name: hubspot
      timezone: America/New_York
      stages: [lead, mql, sql, opportunity, won]
      lost_stages: [lost]
      conversion_window_days: 90
      dimensions: [original_source]
      import:
        layout: wide
        timestamp_format: "yyyy-MM-dd HH:mm"
        columns: {lead_id: Record ID, amount: Amount, original_source: Original Source}
        stage_columns: {lead: Date entered Lead, mql: Date entered MQL, sql: Date entered SQL,
                        opportunity: Date entered Opportunity}
        outcome: {column: Deal Stage, date: Close Date, values: {Closed Won: won, Closed Lost: lost}}
      """;

  /** A Russian CRM's Excel export: windows-1251, ';', decimal comma, Cyrillic everything. */
  public static final String RUSSIAN =
      """
      name: воронка
      timezone: Europe/Moscow
      stages: [заявка, квалифицирован, встреча, договор, оплачено]
      lost_stages: [отказ]
      conversion_window_days: 60
      dimensions: [источник, ответственный]
      import:
        layout: long
        delimiter: ";"
        encoding: windows-1251
        decimal: ","
        timestamp_format: "dd.MM.yyyy HH:mm"
        timestamp_zone: Europe/Moscow
        columns: {lead_id: "ID сделки", stage: "Этап", entered_at: "Дата перехода",
                  amount: "Бюджет", источник: "Источник", ответственный: "Ответственный"}
        stage_values: {"Новая заявка": заявка, "Квалифицирован": квалифицирован,
                       "Встреча назначена": встреча, "Договор подписан": договор,
                       "Успешно реализовано": оплачено, "Закрыто и не реализовано": отказ}
      """;

  private ImportFixtures() {}

  /** A sample file of {@code src/test/resources/import/}. */
  public static Path sample(String name) {
    try {
      return Path.of(ImportFixtures.class.getClassLoader().getResource("import/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a configuration to {@code dir/name.yaml} and returns the file. */
  public static Path write(Path dir, String name, String yaml) {
    Path file = dir.resolve(name + ".yaml");
    try {
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The funnel part of a configuration file. */
  public static FunnelConfig funnel(Path file) {
    return ConfigLoader.load(file);
  }

  /** The import section of a configuration file. */
  public static ImportConfig importSection(Path file) {
    return ImportSection.load(file, ConfigLoader.load(file));
  }
}
