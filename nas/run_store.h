// The run store (docs/NAS.md, "The run store"): one SQLite file per search, the only state of a
// run, so that a search killed at any moment continues when the same command runs again.
//
// Tables (schema version kRunSchemaVersion, recorded in `meta`):
//   meta(key, value)         schema_version, created_by
//   run(key, value)          the run's configuration: identity keys (space hash, hardware hash,
//                            estimator hash, score mode, strategy and its parameters, seed,
//                            objectives, constraints, evaluator, reward, batch, precision) and
//                            what a report needs again (space text, hardware description)
//   candidates(id, generation, encoding, encoding_hash, network_key, arch, status, reason,
//              duplicate_of, <metrics>, violation, score)
//                            every candidate in ask order; a duplicate (a network already
//                            evaluated) points at the first candidate that built it and repeats
//                            its results
//   generations(generation, candidates, evaluations, state)
//                            the strategy's state after each generation, and the counts so far
//   verified(network_key, status, reason, latency_ms, cycles, energy_uj)
//                            SystemC results of the networks verified at the end
// A generation's candidates and its state are written in one transaction, so the store always
// ends at a generation boundary. Nothing in a row depends on time, threads or processes: two
// runs of the same command give equal canonical_dump()s.
#ifndef ACCELNAS_NAS_RUN_STORE_H
#define ACCELNAS_NAS_RUN_STORE_H

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "nas/candidate.h"
#include "nas/evaluate.h"
#include "nas/strategy.h"

namespace accelnas::runtime::sql {
class Database;
}

namespace accelnas::nas {

constexpr int kRunSchemaVersion = 1;

struct CandidateRow {
  std::int64_t id = 0;  // 0-based, in ask order over the whole run
  std::int64_t generation = 0;
  Encoding encoding;
  std::string network_key;  // empty when the candidate cannot be built
  std::string arch;
  Status status = Status::Ok;
  std::string reason;
  std::int64_t duplicate_of = -1;  // the first candidate of the same network, or -1
  Metrics metrics;                 // Ok only
  double violation = 0;            // Ok only
  double score = 0;                // Ok only
};

struct GenerationRow {
  std::int64_t generation = 0;
  std::int64_t candidates = 0;   // candidates so far, this generation included
  std::int64_t evaluations = 0;  // distinct networks evaluated so far (cannot_build included)
  std::string state;             // the strategy's state (JSON)
};

struct VerifiedRow {
  std::string network_key;
  Status status = Status::Ok;  // Ok or Failed
  std::string reason;
  double latency_ms = 0;
  double cycles = 0;
  double energy_uj = 0;
};

class RunStore {
 public:
  enum class Mode { ReadOnly, Create };
  // Throws UserError "<path>: <reason>" (not SQLite, not a run store, newer schema, ...).
  RunStore(const std::string& path, Mode mode);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::string& path() const { return path_; }

  // The stored configuration (empty for a new store).
  std::map<std::string, std::string> config() const;
  // Writes the configuration of a new run, or checks it against the stored one: a store of
  // another run is a UserError "<path>: a run of another <what> (stored ...; asked ...)" naming
  // the first identity key that differs. Keys in `identity` must match; keys in `info` are
  // written when new and otherwise left alone.
  void open_run(const std::map<std::string, std::string>& identity,
                const std::map<std::string, std::string>& info);

  std::vector<CandidateRow> candidates() const;
  std::vector<GenerationRow> generations(bool with_state) const;
  std::optional<GenerationRow> last_generation() const;
  // The generation's new candidates and its record, in one transaction.
  void commit_generation(const std::vector<CandidateRow>& rows, const GenerationRow& g);

  std::vector<VerifiedRow> verified() const;
  void add_verified(const std::vector<VerifiedRow>& rows);  // one transaction; a key present stays

  // Every table as text in key order: equal dumps mean equal stores.
  void canonical_dump(std::ostream& os) const;

 private:
  std::string path_;
  std::unique_ptr<runtime::sql::Database> db_;
  bool wal_ = false;
  void init_schema();
};

}  // namespace accelnas::nas

#endif  // ACCELNAS_NAS_RUN_STORE_H
