#include "transfer/identity/aws_metadata.hpp"

#include "transfer/identity/call.hpp"
#include "transfer/net/child_process.hpp"
#include "transfer/net/off_loop.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"
#include "transfer/registry/credentials.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace ocimirror::transfer {

namespace {
using wall = std::chrono::system_clock;

/// Keys from a JSON answer, kept until its Expiration within [now + 5 min, now + 12 h] (an hour when it states none).
expiring_keys keys_of(std::string_view body, const std::string& where) {
  std::int64_t expires = 0;
  auto keys = parse_json_credentials(body, &expires);
  if (keys.empty()) throw error(errc::unauthorized, where + " answered without AccessKeyId and SecretAccessKey");
  check_header_value(keys.access_key_id, "the AWS access key id from " + where);
  check_header_value(keys.session_token, "the AWS session token from " + where);
  keys.source = where;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(wall::now().time_since_epoch()).count();
  if (expires == 0) expires = now + 3600;
  return {keys, wall::time_point(std::chrono::seconds(std::clamp<std::int64_t>(expires, now + 300, now + 43200)))};
}

awaitable<expiring_keys> from_process(const aws_source& src) {
  const child_limits limits{credential_helper_timeout(), credential_helper_output_cap()};
  std::function<child_result()> job = [cmd = src.process, limits] {
    return run_child("/bin/sh", {"-c", cmd}, "", limits);
  };
  auto r = co_await off_loop(job);
  if (r.timed_out || r.over_cap || r.exit_code != 0)
    throw error(errc::unauthorized, src.where + " failed (" +
                                        (r.timed_out  ? std::string("timed out")
                                         : r.over_cap ? std::string("printed too much")
                                                      : "exit " + std::to_string(r.exit_code)) +
                                        ")");
  // The credential_process format: a JSON object with "Version": 1 (the SDKs refuse any other).
  boost::system::error_code ec;
  const auto doc = boost::json::parse(r.out, ec);
  const auto* version = !ec && doc.is_object() ? doc.as_object().if_contains("Version") : nullptr;
  if (!version || !version->is_number() || version->to_number<double>() != 1.0)
    throw error(errc::unauthorized, src.where + " printed no JSON object with \"Version\": 1");
  co_return keys_of(r.out, src.where);
}

awaitable<expiring_keys> from_container(http_client& metadata, const aws_source& src, const file_read_fn& read) {
  std::string token = src.container_token;
  if (!src.container_token_file.empty()) {  // read at each request: EKS rotates the file
    auto text = read(src.container_token_file);
    if (!text)
      throw error(errc::unauthorized, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + src.container_token_file);
    token = std::string(trim_space(*text));
  }
  check_header_value(token, "the AWS container authorization token");
  auto req = identity::get_with({});
  if (!token.empty()) req.set(http::field::authorization, token);
  auto res = co_await identity::call(metadata, src.where, src.container_url, std::move(req));
  if (res.result_int() != 200)
    throw error(errc::unauthorized, src.where + " answered " + identity::error_of(res.result_int(), res.body()));
  co_return keys_of(res.body(), src.where);
}

awaitable<std::optional<expiring_keys>> from_imds(http_client& metadata, const aws_source& src) {
  http::request<http::string_body> put{http::verb::put, "", 11};
  put.set("X-aws-ec2-metadata-token-ttl-seconds", "21600");
  string_response session;
  std::exception_ptr failed;
  try {
    const std::string token_url = src.imds + "/latest/api/token";
    session = co_await identity::call(metadata, src.where, token_url, std::move(put));
  } catch (...) {
    failed = std::current_exception();
  }
  if (failed && identity::unreachable(failed)) co_return std::nullopt;  // not on EC2
  if (failed) std::rethrow_exception(failed);
  // At the default address Azure's or Google's metadata service may answer instead: not EC2 either.
  if (src.imds_probe && session.result_int() != 200) co_return std::nullopt;
  if (session.result_int() != 200)
    throw error(errc::unauthorized, src.where + " refused a session token (" +
                                        identity::error_of(session.result_int(), session.body()) + ")");
  const std::string token(trim_space(session.body()));
  check_header_value(token, "IMDS's session token");
  const std::string base = src.imds + "/latest/meta-data/iam/security-credentials/";
  auto ask_role = identity::get_with({{"X-aws-ec2-metadata-token", token}});
  auto roles = co_await identity::call(metadata, src.where, base, std::move(ask_role));
  const std::string role(trim_space(roles.body().substr(0, roles.body().find('\n'))));
  if (roles.result_int() == 404 || role.empty())
    throw error(errc::unauthorized, src.where + ": the instance has no IAM role attached");
  const bool iam_name =
      role.size() <= 64 && std::all_of(role.begin(), role.end(), [](unsigned char c) {
        return std::isalnum(c) || std::string_view("+=,.@_-").find(static_cast<char>(c)) != std::string_view::npos;
      });
  if (roles.result_int() != 200 || !iam_name)
    throw error(errc::unauthorized, src.where + " answered " + identity::error_of(roles.result_int(), roles.body()) +
                                        " for the instance's role, not an IAM role name");
  auto ask_keys = identity::get_with({{"X-aws-ec2-metadata-token", token}});
  const std::string keys_url = base + role;  // IAM names need no escaping: appended as the SDKs do
  auto keys = co_await identity::call(metadata, src.where, keys_url, std::move(ask_keys));
  if (keys.result_int() != 200)
    throw error(errc::unauthorized, src.where + " answered " + identity::error_of(keys.result_int(), keys.body()));
  co_return keys_of(keys.body(), src.where + " role " + printable(role));
}
}  // namespace

awaitable<std::optional<expiring_keys>> host_keys(http_client& metadata, const aws_source& src,
                                                  const file_read_fn& read) {
  if (!src.problem.empty()) throw error(errc::bad_reference, src.problem);
  if (!src.process.empty()) co_return co_await from_process(src);
  if (!src.container_url.empty()) co_return co_await from_container(metadata, src, read);
  co_return co_await from_imds(metadata, src);
}

}  // namespace ocimirror::transfer
