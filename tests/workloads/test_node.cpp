// The YAML view (config/node.h): every node knows its file, path and line.
#include <doctest/doctest.h>

#include "tests/workloads/helpers.h"
#include "workloads/config/node.h"

using namespace accelnas::cfg;
using accelnas::wl::test::contains;
using accelnas::wl::test::user_error;

namespace {

const char* kDoc = R"(compute:
  parallelism_factor: 4
  enabled: yes
layers:
  - {name: a, k: 3}
  - name: b
    k: 5
)";

}  // namespace

TEST_CASE("node: children know their dotted path and the line of their key") {
  const Node root = Node::load_string(kDoc, "hw.yaml");
  const Node pf = root["compute"]["parallelism_factor"];
  CHECK(pf.path() == "compute.parallelism_factor");
  CHECK(pf.line() == 2);
  CHECK(pf.where() == "hw.yaml:2: compute.parallelism_factor:");
  CHECK(pf.as_int() == 4);
  CHECK(root["compute"]["enabled"].as_bool());
  const Node b = root["layers"].at(1);
  CHECK(b.path() == "layers[1]");
  CHECK(b.line() == 6);
  CHECK(b["k"].line() == 7);
  CHECK(root["layers"].size() == 2);
}

TEST_CASE("node: keys come in document order and absent keys are not present") {
  const Node root = Node::load_string(kDoc, "hw.yaml");
  CHECK(root.keys() == std::vector<std::string>{"compute", "layers"});
  CHECK(root.has("compute"));
  CHECK_FALSE(root["nope"].present());
  CHECK(root["nope"].is_null());
}

TEST_CASE("node: expect_keys rejects an unknown key at its own line") {
  const Node root = Node::load_string(kDoc, "hw.yaml");
  CHECK(user_error([&] { root["layers"].at(1).expect_keys({"name"}); }) ==
        "hw.yaml:7: layers[1].k: unknown key (allowed here: name)");
}

TEST_CASE("node: duplicate keys are rejected") {
  const Node root = Node::load_string("a: 1\nb: 2\na: 3\n", "d.yaml");
  CHECK(user_error([&] { root.keys(); }) == "d.yaml:3: a: duplicate key");
}

TEST_CASE("node: wrong scalar types are located errors") {
  const Node root = Node::load_string("n: four\nb: maybe\nl: [1]\n", "t.yaml");
  CHECK(user_error([&] { root["n"].as_int(); }) == "t.yaml:1: n: expected an integer, got 'four'");
  CHECK(user_error([&] { root["b"].as_bool(); }) ==
        "t.yaml:2: b: expected true or false, got 'maybe'");
  CHECK(contains(user_error([&] { root["l"].scalar(); }), "t.yaml:3: l: expected a single value"));
  CHECK(contains(user_error([&] { root["n"].size(); }), "t.yaml:1: n: expected a list"));
}

TEST_CASE("node: malformed YAML and missing files are user errors with the name") {
  CHECK(contains(user_error([] { Node::load_string("a: [1, 2\n", "m.yaml"); }), "m.yaml:"));
  CHECK(contains(user_error([] { Node::load_string("a: [1, 2\n", "m.yaml"); }), "malformed YAML"));
  CHECK(user_error([] { Node::load_file("/nonexistent/x.yaml"); }) ==
        "/nonexistent/x.yaml: no such file");
}
