// Small text helpers shared by the parsers of command-line specs and units, and the printers.
#ifndef ACCELNAS_WORKLOADS_CONFIG_TEXT_H
#define ACCELNAS_WORKLOADS_CONFIG_TEXT_H

#include <string>
#include <vector>

namespace accelnas {

// `s` without leading and trailing white space (std::isspace: blanks, tabs, line ends).
std::string trim(const std::string& s);

// The parts of `s` between each `sep` (untrimmed; "" gives one empty part, "a," two parts).
std::vector<std::string> split(const std::string& s, char sep);

// `v` with exactly `decimals` digits after the point ("%.*f": rounded, C locale), the one way
// reports, exports and the label store print a fixed-point number.
std::string fixed_decimals(double v, int decimals);

}  // namespace accelnas

#endif  // ACCELNAS_WORKLOADS_CONFIG_TEXT_H
