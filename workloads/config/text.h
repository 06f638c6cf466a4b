// Small text helpers shared by the parsers of command-line specs and units.
#ifndef ACCELNAS_WORKLOADS_CONFIG_TEXT_H
#define ACCELNAS_WORKLOADS_CONFIG_TEXT_H

#include <string>

namespace accelnas {

// `s` without leading and trailing white space (std::isspace: blanks, tabs, line ends).
std::string trim(const std::string& s);

}  // namespace accelnas

#endif  // ACCELNAS_WORKLOADS_CONFIG_TEXT_H
