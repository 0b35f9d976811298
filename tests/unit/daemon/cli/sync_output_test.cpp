#include "daemon/cli/sync_output.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <sstream>

using namespace ocimirror;
using namespace ocimirror::daemon;

namespace {
policy_report sample() {
  policy_report r;
  r.name = "p";
  r.source = "src.example/acme";
  r.destination = "dst.example/mirror";
  r.plan.push_back({policy::action::copy, "acme/app", "mirror/app", "v2", "sha256:" + std::string(64, 'a'), ""});
  r.plan.push_back({policy::action::unchanged, "acme/app", "mirror/app", "v1", "sha256:" + std::string(64, 'b'),
                    "sha256:" + std::string(64, 'b')});
  r.plan.push_back({policy::action::prune, "acme/old", "mirror/old", "v0", "", "sha256:" + std::string(64, 'c')});
  r.failures.push_back(
      {"src.example/acme/x:v1 -> dst.example/mirror/x:v1", "registry dst.example: DENIED", transfer::errc::denied});
  r.warnings.push_back("source repository src.example/acme/gone does not exist");
  return r;
}
}  // namespace

TEST(SyncOutput, DryRunTableNamesEveryTagAndAction) {
  std::ostringstream out, err;
  print_report_text(sample(), true, out, err);
  const auto text = out.str();
  EXPECT_NE(text.find("(dry run: nothing changed)"), std::string::npos);
  EXPECT_NE(text.find("ACTION"), std::string::npos);
  EXPECT_NE(text.find("copy       acme/app:v2"), std::string::npos) << text;
  EXPECT_NE(text.find("prune      acme/old:v0"), std::string::npos) << text;
  EXPECT_NE(text.find("1 to copy, 0 to overwrite, 1 unchanged, 1 to prune, 0 left out by the tag rules; 1 failed"),
            std::string::npos)
      << text;
  EXPECT_NE(err.str().find("ocimirror: warning: source repository src.example/acme/gone does not exist"),
            std::string::npos);
  EXPECT_NE(err.str().find(
                "ocimirror: error: src.example/acme/x:v1 -> dst.example/mirror/x:v1: registry dst.example: DENIED"),
            std::string::npos);
}

TEST(SyncOutput, JsonForScripts) {
  auto r = sample();
  r.copied = 1;
  r.remapped.push_back({"sha256:s", "sha256:d", true});
  r.remapped.push_back({"sha256:list", "sha256:filtered-list", false});
  auto v = reports_json({r}, false, 1).as_object();
  EXPECT_EQ(v.at("exitCode").to_number<long>(), 1);
  const auto& p = v.at("policies").as_array().at(0).as_object();
  EXPECT_EQ(p.at("planned").at("copy").to_number<long>(), 1);
  EXPECT_EQ(p.at("planned").at("prune").to_number<long>(), 1);
  EXPECT_EQ(p.at("tags").at("copied").to_number<long>(), 1);
  EXPECT_EQ(p.at("tags").at("failed").to_number<long>(), 1);
  EXPECT_EQ(p.at("failures").as_array().at(0).at("kind").as_string(), "denied");  // the error kind survives
  EXPECT_EQ(p.at("plan").as_array().size(), 3u);
  EXPECT_EQ(p.at("remapped").as_array().at(0).at("destinationDigest").as_string(), "sha256:d");
  EXPECT_EQ(p.at("remapped").as_array().at(0).at("annotation").as_string(), "io.ocimirror.source.digest");
  // A filtered Docker manifest list has no annotations: the output does not claim one.
  EXPECT_FALSE(p.at("remapped").as_array().at(1).as_object().contains("annotation"));
  auto dry = reports_json({r}, true, 0).as_object();
  EXPECT_FALSE(dry.at("policies").as_array().at(0).as_object().contains("tags"));  // nothing ran
}

TEST(SyncOutput, AFilteredIndexSaysWhereItsSourceDigestIsAndADockerListThatItIsNowhere) {
  auto r = sample();
  r.remapped.push_back({"sha256:s", "sha256:d", true});
  r.remapped.push_back({"sha256:list", "sha256:filtered-list", false});
  std::ostringstream out, err;
  print_report_text(r, false, out, err);
  EXPECT_NE(out.str().find("sha256:s -> sha256:d (source digest in annotation io.ocimirror.source.digest)"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("sha256:list -> sha256:filtered-list (a Docker manifest list carries no annotations"),
            std::string::npos)
      << out.str();
}

TEST(SyncOutput, CheckNeverPrintsSecrets) {
  auto loaded = config::load_config_text(
      "registries:\n  r.example: {username: u, password: hunter2}\npolicies:\n  - {name: a, from: r.example/x, to: "
      "s.example/y}\n",
      "m.yaml", [](const std::string&) { return std::nullopt; });
  ASSERT_TRUE(loaded.config);
  std::ostringstream out;
  print_config_text(*loaded.config, out);
  const auto js = boost::json::serialize(config_json(*loaded.config));
  EXPECT_EQ(out.str().find("hunter2"), std::string::npos);
  EXPECT_EQ(js.find("hunter2"), std::string::npos);
  EXPECT_NE(out.str().find("credentials from the file"), std::string::npos);
}

TEST(SyncExitCode, TheFailuresKindWhenTheyAgreeElseOne) {
  using ocimirror::transfer::errc;
  auto with = [](std::vector<errc> kinds) {
    policy_report r;
    for (auto k : kinds) r.failures.push_back({"t", "m", k});
    return r;
  };
  EXPECT_EQ(sync_exit_code({with({})}), 0);
  EXPECT_EQ(sync_exit_code({with({errc::unauthorized, errc::denied})}), 4);
  EXPECT_EQ(sync_exit_code({with({errc::network}), with({errc::tls, errc::timeout})}), 5);
  EXPECT_EQ(sync_exit_code({with({errc::not_found})}), 3);
  EXPECT_EQ(sync_exit_code({with({errc::digest_mismatch})}), 6);
  EXPECT_EQ(sync_exit_code({with({errc::unauthorized, errc::network})}), 1);  // mixed
  EXPECT_EQ(sync_exit_code({with({errc::bad_reference})}), 1);                // found while running: not a usage error
  policy_report empty;
  empty.selected_nothing = "policy p (line 3) selected nothing at r/x: no repository matches `repositories:`";
  EXPECT_EQ(sync_exit_code({empty}), 3);
  EXPECT_EQ(sync_exit_code({empty, with({errc::unauthorized})}), 1);
  EXPECT_EQ(outcome_of(empty), run_outcome::empty);
  EXPECT_STREQ(to_string(outcome_of(empty)), "empty");
}
