// The plots of `validate` and `search`: a Python script (scripts/plot_*.py, matplotlib) run on a
// report directory, when a python3 with matplotlib is there.
#ifndef ACCELNAS_SIM_CLI_PLOT_H
#define ACCELNAS_SIM_CLI_PLOT_H

#include <string>

namespace accelnas::cli {

// Runs `script` (a file name under scripts/) on `dir`. The script is $<env_var> when set, else
// found beside or above the executable (a build tree inside the source tree), else in an
// installed share/accelnas/. Python is $ACCELNAS_PYTHON, the python3 on PATH or /usr/bin/python3,
// whichever imports matplotlib. Returns false after one warning line on stderr naming `what`
// ("validation.png") when python, matplotlib or the script is missing, or the script fails.
bool run_plot_script(const std::string& script, const std::string& env_var, const std::string& dir,
                     const std::string& what);

}  // namespace accelnas::cli

#endif  // ACCELNAS_SIM_CLI_PLOT_H
