// `accelnas label` under mpirun: the pending units are sharded across MPI ranks (rank r takes
// pending units r, r + size, ...); every rank simulates its share in its own SystemC kernel and
// sends the rows to rank 0, the only rank that opens the database. Built when CMake finds MPI
// (ACCELNAS_WITH_MPI); otherwise mpi_launched() is always false.
#ifndef ACCELNAS_SIM_CLI_LABEL_MPI_H
#define ACCELNAS_SIM_CLI_LABEL_MPI_H

#include "calibration/labels/label_gen.h"

namespace accelnas::cli {

// True when this process was started by an MPI launcher with more than one rank (and MPI
// support is built in).
bool mpi_launched();

// Runs the request across the MPI ranks. Rank 0 prints progress unless quiet; it returns the
// process exit code (0, or 2 after printing the error).
int run_label_mpi(const cal::LabelRequest& req, bool quiet);

}  // namespace accelnas::cli

#endif  // ACCELNAS_SIM_CLI_LABEL_MPI_H
