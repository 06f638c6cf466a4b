// Finds the MPI plugin next to the binary and runs `accelnas label` through it (label_mpi.h).
#include "sim/cli/label_mpi.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "workloads/config/error.h"

namespace accelnas::cli {
namespace {

int env_int(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : 0;
}

std::string exe_dir() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<std::size_t>(n));
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

bool mpi_launched() {
  // Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE; PMI-based launchers (srun, MPICH) set PMI_SIZE.
  const int ompi = env_int("OMPI_COMM_WORLD_SIZE");
  return (ompi ? ompi : env_int("PMI_SIZE")) > 1;
}

int run_label_mpi(const cal::LabelRequest& req, bool quiet) {
#ifndef ACCELNAS_MPI_PLUGIN
  (void)req;
  (void)quiet;
  throw UserError(
      "started by an MPI launcher, but this accelnas was built without MPI (install "
      "libopenmpi-dev and rebuild); every rank would label the same database");
#else
  // Beside the executable (a build tree), else where `cmake --install` puts it.
  std::string path = exe_dir() + "/" + ACCELNAS_MPI_PLUGIN;
  if (::access(path.c_str(), F_OK) != 0)
    path = exe_dir() + "/" + ACCELNAS_MPI_PLUGIN_INSTALL_DIR + "/" + ACCELNAS_MPI_PLUGIN;
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) throw UserError(std::string("cannot load the MPI plugin: ") + ::dlerror());
  using Entry = int (*)(const cal::LabelRequest*, bool);
  auto entry = reinterpret_cast<Entry>(::dlsym(handle, "accelnas_label_mpi_main"));
  if (!entry) throw UserError(path + ": not an accelnas MPI plugin (no accelnas_label_mpi_main)");
  return entry(&req, quiet);  // the handle stays open: MPI may run atexit handlers from it
#endif
}

}  // namespace accelnas::cli
