// Every subcommand, run as a user would (the real binary, in a scratch working directory): a bad
// flag, file, key or value ends with exit status 1 or 2 (not a crash, not an internal error, not a
// hang), exactly one line on stderr that names the file / key / flag at fault, nothing on stdout,
// and nothing left in the working directory (no output directory, no hidden staging directory).
// Complements RunE2E.BadInputsFailWithOneLineAndLeaveNothing, which covers `run` only.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::string kBinary = SPIKEPIPE_BINARY;
const std::string kData = SPIKEPIPE_TEST_DATA;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Case {
  const char* name;
  std::string args;                 // after the binary: "<command> <options>"
  std::vector<std::string> expect;  // each must appear in the one stderr line
};

// Input files the cases refer to, written into the scratch directory before the run; they (and
// the captured stdout/stderr) are all that may be there afterwards.
void write_inputs(const fs::path& dir) {
  std::ofstream(dir / "unknown_key.cfg") << "processors = 4\nbogus-key = 1\n";
  std::ofstream(dir / "bad_value.cfg") << "array-rows = abc\n";
  std::ofstream(dir / "zero_link.cfg") << "noc-link-bytes = 0\n";
  std::ofstream(dir / "broken.yaml") << "name: x\ninput: [28, 28\n";
  std::ofstream(dir / "short.csv")
      << "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num "
         "Filter, Strides,\nConv1, 12, 12, 3, 3, 1, 4, 1,\nConv2, 10, 10, 3, 3, 4,\n";
  fs::create_directories(dir / "cut_run");
  std::ofstream(dir / "cut_run" / "messages.csv") << "message,src,dst,kind\n1,0,1\n";
}
const std::set<std::string> kInputs = {"unknown_key.cfg", "bad_value.cfg", "zero_link.cfg",
                                       "broken.yaml",     "short.csv",     "cut_run",
                                       "stdout.txt",      "stderr.txt"};

class CliErrors : public ::testing::TestWithParam<Case> {};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

}  // namespace

TEST_P(CliErrors, OneLineNamingTheCulpritNonZeroExitAndNothingLeft) {
  const Case& c = GetParam();
  const fs::path dir = fs::temp_directory_path() /
                       ("spikepipe_cli_errors_" + std::to_string(::getpid()) + "_" + c.name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_inputs(dir);

  // `timeout` turns a hang into exit status 124, which the assertions below reject.
  const std::string cmd = "cd '" + dir.string() + "' && timeout 120 " + kBinary + " " + c.args +
                          " >stdout.txt 2>stderr.txt";
  const int rc = std::system(cmd.c_str());
  const std::string out = slurp(dir / "stdout.txt"), err = slurp(dir / "stderr.txt");
  ASSERT_TRUE(WIFEXITED(rc)) << c.args << ": killed by a signal\n" << err;
  const int status = WEXITSTATUS(rc);
  // 1 = an input error, 2 = a usage error; 3 is "internal error", >= 124 a timeout or a crash.
  EXPECT_TRUE(status == 1 || status == 2) << c.args << ": exit status " << status << "\n" << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << c.args << ":\n" << err;
  EXPECT_EQ(err.find("internal error"), std::string::npos) << c.args << ": " << err;
  for (const auto& e : c.expect) {
    EXPECT_NE(err.find(e), std::string::npos) << c.args << ": '" << e << "' not in: " << err;
  }
  EXPECT_EQ(out, "") << c.args << ": printed a partial result";

  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (!kInputs.count(n)) left.push_back(n);
  }
  EXPECT_TRUE(left.empty()) << c.args << ": left behind " << ::testing::PrintToString(left);
  fs::remove_all(dir);
}

// clang-format off
const Case kCases[] = {
    // layers: no output directory of its own; the shared network / platform errors must still be
    // one line and print no half report.
    {"layers_bogus_flag",        "layers --bogus",                               {"--bogus"}},
    {"layers_missing_network",   "layers --network missing.yaml",                {"missing.yaml"}},
    {"layers_malformed_yaml",    "layers --network broken.yaml",                 {"broken.yaml"}},
    {"layers_unknown_layer",     "layers --network " + kData + "/networks/bad/unknown_layer_type.yaml", {"unknown_layer_type.yaml", "type"}},
    {"layers_topology_short",    "layers --topology short.csv",                  {"short.csv", "Conv2"}},
    {"layers_topology_gemm_short", "layers --topology-format gemm --topology " + kData + "/topologies/bad/gemm_too_few.csv", {"gemm_too_few.csv"}},
    {"layers_topology_missing",  "layers --topology missing.csv",                {"missing.csv"}},
    {"layers_topology_format",   "layers --topology short.csv --topology-format tsv", {"--topology-format"}},
    {"layers_ini_unknown_key",   "layers --platform unknown_key.cfg",            {"unknown_key.cfg", "bogus-key"}},
    {"layers_ini_bad_value",     "layers --platform bad_value.cfg",              {"bad_value.cfg", "array-rows"}},
    {"layers_array_rows_zero",   "layers --array-rows 0",                        {"array-rows"}},
    {"layers_bad_dataflow",      "layers --dataflow zz",                         {"dataflow", "os"}},
    {"layers_unknown_preset",    "layers --platform nosuch",                     {"--platform", "mesh8"}},
    // schedule
    {"schedule_bogus_flag",      "schedule --bogus --json",                      {"--bogus"}},
    {"schedule_unknown_scheduler", "schedule --scheduler fastest --json",        {"--scheduler", "pipedream"}},
    {"schedule_missing_network", "schedule --network missing.yaml --json",       {"missing.yaml"}},
    {"schedule_malformed_yaml",  "schedule --network broken.yaml",               {"broken.yaml"}},
    {"schedule_empty_network",   "schedule --network " + kData + "/networks/bad/empty.yaml", {"empty.yaml"}},
    {"schedule_topology_short",  "schedule --topology short.csv",                {"short.csv"}},
    {"schedule_ini_unknown_key", "schedule --platform unknown_key.cfg --json",   {"unknown_key.cfg", "bogus-key"}},
    {"schedule_ini_zero_link",   "schedule --platform zero_link.cfg",            {"zero_link.cfg", "noc-link-bytes"}},
    {"schedule_link_bytes_zero", "schedule --noc-link-bytes 0",                  {"noc-link-bytes"}},
    {"schedule_processors_zero", "schedule --processors 0",                      {"processors"}},
    {"schedule_mesh_too_small",  "schedule --processors 8 --noc-cols 2 --noc-rows 2", {"noc-cols"}},
    {"schedule_micro_batches",   "schedule --scheduler gpipe --micro-batches 0", {"micro-batches"}},
    {"schedule_gpipe_too_many",  "schedule --scheduler gpipe --micro-batches 64", {"micro-batches"}},
    // an option that would be ignored in silence is refused, naming who takes it
    {"schedule_split_pipedream", "schedule --scheduler pipedream --split",       {"--split", "pipedream", "spikepipe"}},
    {"schedule_split_gpipe",     "schedule --scheduler gpipe --split",           {"--split", "gpipe"}},
    {"schedule_micro_spikepipe", "schedule --scheduler spikepipe --micro-batches 8", {"--micro-batches", "gpipe"}},
    {"schedule_recompute_pipedream", "schedule --scheduler pipedream --recompute", {"--recompute", "gpipe"}},
    {"run_split_sequential",     "run --scheduler sequential --split --out out", {"--split", "sequential"}},
    {"schedule_processors_huge", "schedule --processors 1000000",                {"--processors", "1 .. 4096"}},
    {"schedule_processors_neg",  "schedule --processors -1",                     {"--processors", "1 .. 4096"}},
    {"schedule_sram_huge",       "schedule --sram-bytes 1e30",                   {"--sram-bytes", "whole number"}},
    {"schedule_both_inputs",     "schedule --network mnist-fc --topology short.csv", {"--topology"}},
    // run: cases RunE2E does not cover
    {"run_malformed_yaml",       "run --network broken.yaml --out out",          {"broken.yaml"}},
    {"run_topology_short",       "run --topology short.csv --out out",           {"short.csv"}},
    {"run_link_bytes_zero",      "run --noc-link-bytes 0 --out out",             {"noc-link-bytes"}},
    {"noc_vcs_zero",             "noc --noc-vcs 0 --out out",                    {"--noc-vcs", "1 .. 64"}},
    {"noc_replay_cut_row",       "noc --replay cut_run --out out",               {"cut_run/messages.csv:2", "12 or more"}},
    {"run_packet_bytes_zero",    "run --noc-packet-bytes 0 --out out",           {"noc-packet-bytes"}},
    {"run_sram_below_tile",      "run --sram-bytes 1 --out out",                 {"sram-bytes"}},
    {"run_trace_window_syntax",  "run --trace-window bad --out out",             {"--trace-window"}},
    {"run_out_in_proc",          "run --out /proc/x",                            {"--out", "/proc/x"}},
    {"run_iterations_negative",  "run --iterations -1 --out out",                {"--iterations"}},
    {"run_too_many_instances",   "run --iterations 1000000 --out out",           {"--iterations", "op instances", "285"}},
    {"run_iterations_huge",      "run --iterations 4294967295 --out out",        {"--iterations"}},
    // a stray word (e.g. a network name without --network) must not be ignored silently
    {"run_stray_positional",     "run fmnist-conv --out out",                    {"fmnist-conv"}},
    {"schedule_stray_positional", "schedule fmnist-conv",                        {"fmnist-conv"}},
    {"layers_stray_positional",  "layers fmnist-conv",                           {"fmnist-conv"}},
    // compare: a bad option shared by every run must fail once, before anything is written
    {"compare_bogus_flag",       "compare --bogus --out out",                    {"--bogus"}},
    {"compare_ini_unknown_key",  "compare --platform unknown_key.cfg --out out", {"unknown_key.cfg", "bogus-key"}},
    {"compare_out_in_proc",      "compare --out /proc/x",                        {"--out", "/proc/x"}},
    {"compare_iterations_zero",  "compare --iterations 0 --out out",             {"--iterations"}},
    {"compare_trace_window",     "compare --trace-window 9:1 --out out",         {"--trace-window"}},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(CliErrors, CliErrors, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) {
                           return std::string(i.param.name);
                         });

// A range error in a flag names the flag; it must not blame a platform called "default", which
// the user never named (the value came from the command line).
TEST(CliErrorsWording, FlagRangeErrorsNameTheFlagNotADefaultPlatform) {
  const fs::path dir =
      fs::temp_directory_path() / ("spikepipe_cli_wording_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* flag : {"--array-rows 0", "--noc-link-bytes 0", "--processors 0"}) {
    const std::string cmd = "cd '" + dir.string() + "' && timeout 60 " + kBinary + " schedule " +
                            flag + " >stdout.txt 2>stderr.txt";
    const int rc = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 1) << flag;
    const std::string err = slurp(dir / "stderr.txt");
    const std::string key = std::string(flag).substr(2, std::string(flag).find(' ') - 2);
    EXPECT_NE(err.find(key), std::string::npos) << flag << ": " << err;
    EXPECT_EQ(err.find("error: default:"), std::string::npos) << flag << ": " << err;
  }
  fs::remove_all(dir);
}
