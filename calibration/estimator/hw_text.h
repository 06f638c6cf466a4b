// The hardware's identity for the label store. A label is the latency of a unit on a hardware
// description, so its key hashes the unit's canonical text together with hw_canonical_text().
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_HW_TEXT_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_HW_TEXT_H

#include <string>

#include "calibration/estimator/label_source.h"
#include "hw_models/hw_spec.h"

namespace accelnas::cal {

// One line of JSON, keys sorted, holding every declared parameter (hw::hw_param_decls()) as
// resolved in hw.values, except `name` and `description`: two descriptions that time every job
// the same way get the same text whatever they are called. Keys are the dotted parameter keys.
// Numeric parameters are written from their base-unit value (ParamValue::number) rounded to 12
// significant digits, as an integer when that is whole, so "1GHz" and "1000MHz" (or "100ns"
// and "0.1us") give the same text; choices and text as their text. `compute.kind`, declared
// after the first label stores, is left out while it holds its default (dot_product_array), so
// the text, and every hash of it, is what it was before that key existed.
//
// Contract: depends on hw.values only. An HwSpec whose fields were edited after loading, without
// its values, is not described by it: change parameters through load_hw's overrides instead.
std::string hw_canonical_text(const hw::HwSpec& hw);

// The whole description for storage, one line of JSON with sorted keys:
// {"canonical": hw_canonical_text(hw), "description", "name", "params": {key: text as written,
// for every declared key but name and description, and compute.kind at its default},
// "source"}.
std::string hw_description_json(const hw::HwSpec& hw);

// The hardware as the label store records it: identity hash (SHA-256 of hw_canonical_text),
// canonical text, whole description.
HardwareRecord hardware_record(const hw::HwSpec& hw);
// The hardware rebuilt from a stored description (hw_description_json): every parameter as
// written, over the default preset, checked against its canonical text. Throws UserError "<where>:
// the stored hardware description ..." when it is not JSON, holds a bad parameter or does not
// rebuild `canonical`.
hw::HwSpec hw_from_description(const std::string& description, const std::string& canonical,
                               const std::string& where);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_HW_TEXT_H
