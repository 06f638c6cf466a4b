// `accelnas label` (sampled units through the SystemC model into a label database) and
// `accelnas labels export|stats` (reading one back). docs/ESTIMATOR.md describes the store.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "calibration/estimator/estimator.h"
#include "calibration/estimator/unit.h"
#include "calibration/estimator/unit_summary.h"
#include "calibration/labels/adaptive.h"
#include "calibration/labels/label_db.h"
#include "calibration/labels/label_gen.h"
#include "hw_models/hw_spec.h"
#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "sim/cli/label_mpi.h"
#include "sim/json_text.h"
#include "sim/report.h"
#include "workloads/config/error.h"

namespace accelnas::cli {
namespace {

using json = nlohmann::json;

void run_label_local(const cal::LabelRequest& req, int jobs, bool quiet) {
  const cal::LabelContext ctx = cal::load_label_context(req);
  auto db = cal::open_label_db(req, ctx);
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  const int workers = static_cast<int>(std::min<std::uint64_t>(jobs, req.count));
  cal::LabelWriter writer(*db, quiet);
  const auto planned = [&](const cal::LabelSummary& s) {
    if (quiet) return;
    std::cerr << (tty ? "\r" : "") << "label: " << s.samples << " samples: " << s.already
              << " already in " << req.db << ", " << s.duplicates << " duplicates, " << s.pending
              << " to simulate"
              << (s.pending == 0
                      ? std::string()
                      : " in " + std::to_string(workers) + " process" + (workers > 1 ? "es" : ""))
              << (tty ? "\033[K" : "") << "\n";
  };
  try {
    cal::run_labels(*ctx.sampler, ctx.hw_record, ctx.hw, db->keys(ctx.hw_record.hash), req.count,
                    workers, writer, planned);
  } catch (...) {
    writer.finish();  // keep every row that arrived; a rerun simulates only the rest
    throw;
  }
  writer.finish();
  if (!quiet) {
    std::cerr << "label: simulated " << writer.done() << " units (" << writer.ok() << " ok, "
              << writer.done() - writer.ok() << " unmappable) in "
              << sim::fixed(writer.seconds(), 1) << " s; " << req.db << " holds " << db->count()
              << " labels\n";
  }
}

void add_label(CLI::App& app) {
  struct Opts {
    cal::LabelRequest req;
    long long count = 0;
    int jobs = 1;
    bool quiet = false;
    bool adaptive = false;
    std::string estimator;
    cal::AdaptiveOptions adapt;
    bool force = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "label",
      "Simulate sampled units (see `accelnas sample`) and store every label in an SQLite "
      "database. Resumable: rerun the same command after an interruption and only the missing "
      "labels are simulated. Under mpirun the work is shared across ranks. With --adaptive, "
      "samples around the labelled units the estimator gets most wrong.");
  cmd->add_option("--hw", o->req.hw, "Hardware preset name or YAML file")->capture_default_str();
  cmd->add_option("--space", o->req.space,
                  "Sampling space: a preset name (see `accelnas list spaces`) or a YAML file "
                  "(required unless --adaptive)");
  add_integer_option(*cmd, "--count", o->count,
                     "Samples to draw: indices 0..count-1; required unless --adaptive, where it "
                     "defaults to 10 per unit sampled around",
                     1, kMaxSampleCount);
  add_seed_option(*cmd, o->req.seed, "Sampling seed");
  cmd->add_option("--db", o->req.db, "Label database (SQLite; created when missing)")->required();
  add_integer_option(*cmd, "-j,--jobs", o->jobs, "Worker processes (one SystemC kernel each)", 1,
                     kMaxJobs)
      ->capture_default_str();
  cmd->add_flag("--append-hw", o->req.append_hw,
                "Allow a database that already holds labels for other hardware");
  cmd->add_flag("-q,--quiet", o->quiet, "No progress on stderr");
  CLI::Option* adaptive = cmd->add_flag(
      "--adaptive", o->adaptive,
      "Sample around the units of --db the estimator gets most wrong (on its hardware)");
  cmd->add_option("--estimator", o->estimator, "Estimator file, for --adaptive")->needs(adaptive);
  add_integer_option(*cmd, "--worst", o->adapt.worst, "With --adaptive: units to sample around", 1)
      ->capture_default_str()
      ->needs(adaptive);
  cmd->add_option("--min-error", o->adapt.min_error,
                  "With --adaptive: only units whose relative error exceeds this (0.01 = 1%)")
      ->capture_default_str()
      ->needs(adaptive);
  cmd->add_flag("--force", o->force,
                "With --adaptive: use the estimator even if --hw names other hardware")
      ->needs(adaptive);
  cmd->callback([o, cmd]() {
    if (o->adaptive) {
      if (o->estimator.empty()) throw UserError("--adaptive: needs --estimator");
      if (!o->req.space.empty()) throw UserError("--space: not used with --adaptive");
      if (mpi_launched())
        throw UserError("--adaptive: not supported under mpirun; use --jobs instead");
      const bool hw_given = cmd->count("--hw") > 0;
      const hw::HwSpec hw = hw::load_hw(o->req.hw);
      const cal::Estimator est =
          cal::Estimator::load(o->estimator, hw_given ? &hw : nullptr, o->force);
      const cal::LabelDb db(o->req.db, cal::LabelDb::Mode::ReadOnly);
      cal::AdaptiveReport report;
      o->req.space_yaml = cal::adaptive_space(db, est, o->adapt, &report);
      if (o->req.space_yaml.empty()) {
        std::cerr << "label: --adaptive: nothing to chase: the worst of " << report.scored
                  << " labels is off by " << sim::fixed(100.0 * report.max_abs_error, 3)
                  << "%, not above --min-error " << sim::fixed(100.0 * o->adapt.min_error, 3)
                  << "%; no labels simulated\n";
        return;
      }
      o->req.space = "adaptive";
      o->req.hw_spec = est.hw();
      if (o->count == 0) o->count = 10 * static_cast<long long>(report.chosen.size());
      if (!o->quiet) {
        std::cerr << "label: --adaptive: " << report.scored << " labels scored, mean |error| "
                  << sim::fixed(100.0 * report.mean_abs_error, 3) << "%; sampling around the "
                  << report.chosen.size() << " worst (|error| "
                  << sim::fixed(100.0 * std::fabs(report.chosen.back().error), 3) << "% to "
                  << sim::fixed(100.0 * std::fabs(report.chosen.front().error), 3) << "%)\n";
      }
    } else {
      if (o->req.space.empty()) throw UserError("--space: required (or --adaptive)");
      if (cmd->count("--count") == 0) throw UserError("--count: required");
    }
    check_sample_count(o->count);
    o->req.count = static_cast<std::uint64_t>(o->count);
    if (mpi_launched()) {
      if (o->jobs > 1)
        throw UserError("--jobs: not used under mpirun; start more ranks with -n instead");
      const int rc = run_label_mpi(o->req, o->quiet);
      if (rc != 0) throw ExitStatus{rc};  // the error line is printed already
      return;
    }
    run_label_local(o->req, o->jobs, o->quiet);
  });
}

void export_labels(const cal::LabelDb& db, const std::string& format, std::ostream& os) {
  if (format == "jsonl") {
    db.for_each([&os, &db](const cal::LabelRow& r) {
      // A corrupt stored text is named with the database and the label, as in `labels stats`.
      const auto parse = [&](const std::string& text, const char* column) {
        try {
          return json::parse(text);
        } catch (const json::exception& e) {
          throw UserError(db.path() + ": label " + r.key.substr(0, 12) + ": " + column +
                          " is not valid JSON (" + sim::json_error_text(e) + ")");
        }
      };
      json j{{"key", r.key},
             {"hw_hash", r.hw_hash},
             {"unit_type", r.unit_type},
             {"status", r.status},
             {"reason", r.reason},
             {"unit", parse(r.unit_text, "unit_text")},
             {"layers", parse(r.layers_json, "layers_json")}};
      const auto names = cal::label_stat_columns();
      const auto values = cal::label_stat_values(r.stats);
      for (std::size_t i = 0; i < names.size(); ++i)
        j[names[i]] = parse(values[i], names[i].c_str());
      os << sim::json_text(j) << "\n";
    });
    return;
  }
  const bool flat = format == "parquet-friendly-csv";
  std::vector<std::string> header = {"key", "hw_hash"};
  if (flat) {
    header.push_back("status");
    // unit_: the attributes share names with stats (macs, vector_ops); stats keep the csv's names.
    for (const auto& c : cal::summary_columns()) header.push_back("unit_" + c);
  } else {
    header.insert(header.end(), {"unit_type", "status", "reason"});
  }
  for (const auto& c : cal::label_stat_columns()) header.push_back(c);
  if (!flat) header.insert(header.end(), {"unit_text", "layers_json"});
  sim::write_csv_row(os, header);
  std::int64_t row_no = 0;
  db.for_each([&](const cal::LabelRow& r) {
    ++row_no;
    std::vector<std::string> f = {r.key, r.hw_hash};
    if (flat) {
      f.push_back(r.status);
      const cal::UnitDesc d =
          cal::parse_unit_text(r.unit_text, db.path() + ": label " + r.key.substr(0, 12));
      for (auto& v : cal::summary_values(cal::summarize(d))) f.push_back(v);
    } else {
      f.insert(f.end(), {r.unit_type, r.status, r.reason});
    }
    // An unmappable unit has no stats: empty cells, which pandas reads as NaN.
    for (auto& v : cal::label_stat_values(r.stats)) f.push_back(r.status == "ok" ? v : "");
    if (!flat) f.insert(f.end(), {r.unit_text, r.layers_json});
    sim::write_csv_row(os, f);
  });
}

struct Range {
  std::int64_t lo = 0, hi = 0;
  bool any = false;
  void add(std::int64_t v) {
    lo = any ? std::min(lo, v) : v;
    hi = any ? std::max(hi, v) : v;
    any = true;
  }
  std::string text() const {
    return any ? std::to_string(lo) + (lo == hi ? "" : ".." + std::to_string(hi)) : "-";
  }
};

struct TypeStats {
  std::int64_t ok = 0, unmappable = 0;
  Range in_h, in_c, out_c, kernel, stride, cycles;
  std::set<std::string> precisions;
  std::int64_t aligned = 0, input_on_chip = 0, output_on_chip = 0;
};

void print_stats(const cal::LabelDb& db, const std::string& format, std::ostream& os) {
  std::map<std::string, TypeStats> by_type;
  std::int64_t pf = 0;
  const auto hw = db.hardware();
  if (hw.size() == 1) {
    try {
      pf = static_cast<std::int64_t>(
          json::parse(hw.front().canonical).at("compute.parallelism_factor").get<double>());
    } catch (const std::exception&) {
      pf = 0;
    }
  }
  const auto cols = cal::summary_columns();
  auto col = [&cols](const char* name) {
    return static_cast<std::size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin());
  };
  db.for_each([&](const cal::LabelRow& r) {
    TypeStats& t = by_type[r.unit_type];
    if (r.status != "ok") {
      ++t.unmappable;
      return;
    }
    ++t.ok;
    const cal::UnitDesc d =
        cal::parse_unit_text(r.unit_text, db.path() + ": label " + r.key.substr(0, 12));
    const auto v = cal::summary_values(cal::summarize(d));
    auto num = [&](const char* name) { return std::stoll(v.at(col(name))); };
    t.in_h.add(num("in_h"));
    t.in_c.add(num("in_c"));
    t.out_c.add(num("out_c"));
    t.kernel.add(num("kernel"));
    t.stride.add(num("stride"));
    t.cycles.add(r.stats.cycles);
    t.precisions.insert(v.at(col("precision")));
    if (pf > 0 && num("out_c") % pf == 0) ++t.aligned;
    t.input_on_chip += num("input_on_chip");
    t.output_on_chip += num("output_on_chip");
  });
  auto share = [](std::int64_t part, std::int64_t whole) {
    return whole
               ? sim::fixed(100.0 * static_cast<double>(part) / static_cast<double>(whole), 0) + "%"
               : std::string("-");
  };
  sim::Table table;
  table.columns = {"unit_type",  "ok",          "unmappable", "in_h",       "in_c",
                   "out_c",      "kernel",      "stride",     "precisions", "out_c_aligned",
                   "in_on_chip", "out_on_chip", "cycles"};
  table.numeric = {false, true,  true, false, false, false, false,
                   false, false, true, true,  true,  false};
  for (const auto& [type, t] : by_type) {
    std::string precs;
    for (const auto& p : t.precisions) precs += (precs.empty() ? "" : "/") + p;
    table.rows.push_back({type, std::to_string(t.ok), std::to_string(t.unmappable), t.in_h.text(),
                          t.in_c.text(), t.out_c.text(), t.kernel.text(), t.stride.text(),
                          precs.empty() ? "-" : precs, pf ? share(t.aligned, t.ok) : "-",
                          share(t.input_on_chip, t.ok), share(t.output_on_chip, t.ok),
                          t.cycles.text()});
  }
  if (format == "table") {
    os << db.path() << ": " << db.count() << " labels, " << hw.size() << " hardware description"
       << (hw.size() == 1 ? "" : "s") << ", " << db.runs().size() << " run"
       << (db.runs().size() == 1 ? "" : "s") << "\n";
    for (const auto& h : hw) {
      std::string name = "?";
      try {
        name = json::parse(h.description).at("name").get<std::string>();
      } catch (const std::exception&) {
      }
      os << "  hardware " << h.hash.substr(0, 12) << "  " << name << "\n";
    }
    for (const auto& r : db.runs()) {
      os << "  run: space " << r.space_name << " (" << r.space_hash.substr(0, 12) << "), seed "
         << r.seed << ", count " << r.count << ", hardware " << r.hw_hash.substr(0, 12) << "\n";
    }
    os << "\n";
  }
  sim::write_table(os, sim::parse_format(format), table);
}

void add_labels(CLI::App& app) {
  struct Opts {
    std::string db, format, output;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("labels", "Read a label database: export or stats");
  cmd->require_subcommand(1);

  CLI::App* exp = cmd->add_subcommand(
      "export",
      "Write every label, in key order. csv: the stored columns, unit and per-layer stats as "
      "JSON text; parquet-friendly-csv: one typed column per unit attribute (unit_*) and stat, no "
      "nested text (empty cells for unmappable units); jsonl: one JSON object per label");
  exp->add_option("--db", o->db, "Label database")->required();
  o->format = "csv";
  exp->add_option("--format", o->format, "csv, parquet-friendly-csv or jsonl")
      ->capture_default_str();
  exp->add_option("-o,--output", o->output, "Output file (default stdout)");
  exp->callback([o]() {
    if (o->format != "csv" && o->format != "parquet-friendly-csv" && o->format != "jsonl")
      throw UserError("--format: expected csv, parquet-friendly-csv or jsonl, got '" + o->format +
                      "'");
    const cal::LabelDb db(o->db, cal::LabelDb::Mode::ReadOnly);
    Output out(o->output);
    export_labels(db, o->format, out.stream());
    out.commit();
  });

  auto so = std::make_shared<Opts>();
  so->format = "table";
  CLI::App* st = cmd->add_subcommand(
      "stats", "Counts per unit type, unmappable units, and the ranges the labels cover");
  st->add_option("--db", so->db, "Label database")->required();
  st->add_option("--format", so->format, "table, csv or json")->capture_default_str();
  st->add_option("-o,--output", so->output, "Output file (default stdout)");
  st->callback([so]() {
    sim::parse_format(so->format);  // validates before any work
    const cal::LabelDb db(so->db, cal::LabelDb::Mode::ReadOnly);
    Output out(so->output);
    print_stats(db, so->format, out.stream());
    out.commit();
  });

  add_labels_import(*cmd);
}

}  // namespace

void add_label_commands(CLI::App& app) {
  add_label(app);
  add_labels(app);
}

}  // namespace accelnas::cli
