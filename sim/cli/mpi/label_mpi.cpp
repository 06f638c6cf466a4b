// The MPI plugin (accelnas_mpi.so): `accelnas label` sharded across MPI ranks. The accelnas
// binary loads it only under an MPI launcher (cli/label_mpi.cpp), so a plain run does not pay for
// loading libmpi; it resolves every accelnas symbol from the executable.
#include <mpi.h>

#include <iostream>
#include <string>
#include <vector>

#include "calibration/labels/label_gen.h"
#include "sim/cli/common.h"
#include "workloads/config/error.h"

namespace accelnas::cli {
namespace {

constexpr int kTagRows = 1;   // rows, one per line
constexpr int kTagDone = 2;   // the sender has sent all its rows
constexpr int kTagError = 3;  // the sender failed: its error text
constexpr std::size_t kMessageBytes = 64 * 1024;

void send(const std::string& text, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, tag, MPI_COMM_WORLD);
}

std::string receive(MPI_Status& st) {
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  std::string text(static_cast<std::size_t>(n), '\0');
  MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

void fail_line(int rank, const std::string& what) {
  std::cerr << "accelnas: error: " << (rank == 0 ? "" : "rank " + std::to_string(rank) + ": ")
            << one_line(what) << "\n";
}

// Rank 0: handles one message from another rank. Returns true when that rank is finished.
bool handle(MPI_Status& st, cal::LabelWriter& writer, std::string& failure) {
  const std::string text = receive(st);
  if (st.MPI_TAG == kTagDone) return true;
  if (st.MPI_TAG == kTagError) {
    if (failure.empty()) failure = "rank " + std::to_string(st.MPI_SOURCE) + ": " + text;
    return true;
  }
  std::size_t start = 0, nl;
  while ((nl = text.find('\n', start)) != std::string::npos) {
    writer.add(cal::decode_row(text.substr(start, nl - start)));
    start = nl + 1;
  }
  return false;
}

int run(const cal::LabelRequest& req, bool quiet) {
  MPI_Init(nullptr, nullptr);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  // Set-up: every rank loads the hardware and the space; rank 0 also opens the database and
  // plans. Any failure stops every rank before work starts.
  std::string error;
  cal::LabelContext ctx;
  std::unique_ptr<cal::LabelDb> db;
  cal::LabelPlan plan;
  try {
    ctx = cal::load_label_context(req);
    if (rank == 0) {
      db = cal::open_label_db(req, ctx);
      plan = cal::plan_labels(*ctx.sampler, ctx.hw_record.canonical, db->keys(ctx.hw_record.hash),
                              req.count);
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  int failed = error.empty() ? 0 : 1, any_failed = 0;
  MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (any_failed) {
    if (failed) fail_line(rank, error);
    MPI_Finalize();
    return 2;
  }

  // Rank 0 broadcasts the pending sample indices; every rank derives the keys itself.
  unsigned long long n = plan.pending.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  std::vector<unsigned long long> indices(n);
  if (rank == 0) {
    for (std::size_t i = 0; i < n; ++i) indices[i] = plan.pending[i].index;
  }
  if (n > 0)
    MPI_Bcast(indices.data(), static_cast<int>(n), MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  auto pending = [&](std::size_t i) {
    cal::PendingUnit p;
    p.index = indices[i];
    p.key =
        cal::label_key(ctx.hw_record.canonical, cal::canonical_text(ctx.sampler->sample(p.index)));
    return p;
  };

  if (rank != 0) {
    std::string out;
    try {
      for (std::size_t i = static_cast<std::size_t>(rank); i < n;
           i += static_cast<std::size_t>(size)) {
        out += cal::encode_row(
            cal::simulate_label(*ctx.sampler, ctx.hw, ctx.hw_record.hash, pending(i)));
        out += '\n';
        if (out.size() >= kMessageBytes) {
          send(out, kTagRows);
          out.clear();
        }
      }
      if (!out.empty()) send(out, kTagRows);
      send("", kTagDone);
    } catch (const std::exception& e) {
      if (!out.empty()) send(out, kTagRows);
      send(e.what(), kTagError);
    }
    MPI_Finalize();
    return 0;  // rank 0 reports any failure
  }

  if (!quiet) {
    std::cerr << "label: " << plan.samples << " samples: " << plan.already << " already in "
              << req.db << ", " << plan.duplicates << " duplicates, " << n << " to simulate on "
              << size << " MPI ranks\n";
  }
  std::string failure;
  try {
    cal::LabelWriter writer(*db, quiet);
    writer.set_total(n);
    int finished = 0;
    MPI_Status st;
    for (std::size_t i = 0; i < n; i += static_cast<std::size_t>(size)) {
      writer.add(cal::simulate_label(*ctx.sampler, ctx.hw, ctx.hw_record.hash, pending(i)));
      int flag = 0;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
      while (flag) {
        finished += handle(st, writer, failure) ? 1 : 0;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
      }
    }
    while (finished < size - 1) {
      MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
      finished += handle(st, writer, failure) ? 1 : 0;
    }
    writer.finish();
    if (!quiet && failure.empty()) {
      std::cerr << "label: simulated " << writer.done() << " units (" << writer.ok() << " ok, "
                << writer.done() - writer.ok() << " unmappable) on " << size << " ranks; " << req.db
                << " holds " << db->count() << " labels\n";
    }
  } catch (const std::exception& e) {
    // The rows committed so far stay; a rerun simulates only what is missing. Other ranks may be
    // mid-send, so stop them all.
    fail_line(0, e.what());
    MPI_Abort(MPI_COMM_WORLD, 2);
    return 2;
  }
  MPI_Finalize();
  if (!failure.empty()) {
    fail_line(0, failure);
    return 2;
  }
  return 0;
}

}  // namespace
}  // namespace accelnas::cli

extern "C" int accelnas_label_mpi_main(const accelnas::cal::LabelRequest* req, bool quiet) {
  return accelnas::cli::run(*req, quiet);
}
