//===- MutationLoop.cpp - Portable fuzzing of the nsc driver --------------===//
//
//   nsc-mutate --nsc PATH [--iterations N] [--time-limit S] [--timeout S]
//              [--seed N] [--workdir DIR] [--max-failures N] SEED_FILE_OR_DIR...
//
// The fallback to libFuzzer that works with any compiler (gcc builds, the
// sanitizer build, CI): it takes the example and test models as seeds, applies
// a few random, structure-aware mutations to one of them (byte flips, line
// deletion/duplication/swap, indentation changes, truncation, splicing from
// another seed, token and number replacement, deep nesting) and runs `nsc` on
// each mutant. A run fails when nsc
//   - dies from a signal (crash, abort, assertion),
//   - prints a sanitizer report (AddressSanitizer, UBSan "runtime error:",
//     LeakSanitizer),
//   - exits with a status other than 0 (ok) or 1 (errors in the input), or
//   - does not finish within --timeout seconds (hang).
// The seed is fixed by default so a ctest run is reproducible; every failing
// mutant is kept in WORKDIR/failures/ with the command that reproduces it.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Options {
  std::string nsc;
  std::vector<std::string> seedPaths;
  unsigned iterations = 500;
  double timeLimit = 120;  // seconds for the whole loop
  double timeout = 20;     // seconds per nsc run (sanitizer builds are slow)
  uint64_t seed = 20240601;
  std::string workdir = "nsc-mutants";
  unsigned maxFailures = 10;
};

struct Seed {
  fs::path path;
  std::string text;
};

[[noreturn]] void usage(const char *msg) {
  std::cerr << "nsc-mutate: " << msg << "\n"
            << "usage: nsc-mutate --nsc PATH [--iterations N] [--time-limit S] "
               "[--timeout S] [--seed N] [--workdir DIR] [--max-failures N] SEED...\n";
  std::exit(2);
}

Options parseArgs(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    try {
      if (a == "--nsc")
        o.nsc = value();
      else if (a == "--iterations")
        o.iterations = static_cast<unsigned>(std::stoul(value()));
      else if (a == "--time-limit")
        o.timeLimit = std::stod(value());
      else if (a == "--timeout")
        o.timeout = std::stod(value());
      else if (a == "--seed")
        o.seed = std::stoull(value());
      else if (a == "--workdir")
        o.workdir = value();
      else if (a == "--max-failures")
        o.maxFailures = static_cast<unsigned>(std::stoul(value()));
      else if (!a.empty() && a[0] == '-')
        usage(("unknown option " + a).c_str());
      else
        o.seedPaths.push_back(a);
    } catch (const std::exception &) {
      usage(("bad value for " + a).c_str());
    }
  }
  if (o.nsc.empty())
    usage("--nsc is required");
  if (o.seedPaths.empty())
    usage("no seed files or directories");
  if (access(o.nsc.c_str(), X_OK) != 0)
    usage(("cannot execute " + o.nsc).c_str());
  return o;
}

std::string readFile(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Seed> collectSeeds(const std::vector<std::string> &paths) {
  std::vector<Seed> seeds;
  auto add = [&](const fs::path &p) {
    std::string ext = p.extension().string();
    if (ext == ".nrn" || ext == ".nestml")
      seeds.push_back({p, readFile(p)});
  };
  for (const std::string &s : paths) {
    std::error_code ec;
    if (fs::is_directory(s, ec)) {
      for (auto it = fs::recursive_directory_iterator(s, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec))
          add(it->path());
    } else if (fs::is_regular_file(s, ec)) {
      add(s);
    }
  }
  // Directory iteration order is not portable; sort for reproducibility.
  std::sort(seeds.begin(), seeds.end(),
            [](const Seed &a, const Seed &b) { return a.path < b.path; });
  return seeds;
}

std::vector<std::string> splitLines(const std::string &text) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : text) {
    cur += c;
    if (c == '\n') {
      lines.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty())
    lines.push_back(cur);
  return lines;
}

std::string joinLines(const std::vector<std::string> &lines) {
  std::string s;
  for (const std::string &l : lines)
    s += l;
  return s;
}

/// Words (identifiers, keywords, unit names) and numbers seen in the seeds:
/// replacing one token by another keeps mutants close to valid programs.
struct Vocabulary {
  std::vector<std::string> words, numbers;
  void collect(const std::string &text) {
    size_t i = 0;
    while (i < text.size()) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      size_t j = i;
      if (std::isalpha(c) || c == '_') {
        while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_'))
          ++j;
        words.push_back(text.substr(i, j - i));
      } else if (std::isdigit(c)) {
        while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.' ||
                                   text[j] == 'e'))
          ++j;
        numbers.push_back(text.substr(i, j - i));
      } else {
        j = i + 1;
      }
      i = j;
    }
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    std::sort(numbers.begin(), numbers.end());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  }
};

class Mutator {
public:
  Mutator(uint64_t seed, const std::vector<Seed> &seeds, const Vocabulary &vocab)
      : rng_(seed), seeds_(seeds), vocab_(vocab) {}

  size_t pick(size_t n) { return n ? std::uniform_int_distribution<size_t>(0, n - 1)(rng_) : 0; }

  /// One mutant: a random seed with 1-4 mutations; `what` describes them.
  std::string mutate(const Seed &seed, std::string &what) {
    std::string text = seed.text;
    unsigned n = 1 + static_cast<unsigned>(pick(4));
    for (unsigned k = 0; k < n; ++k)
      what += (k ? ", " : "") + mutateOnce(text);
    return text;
  }

private:
  std::string mutateOnce(std::string &text) {
    static const char *const kInteresting[] = {
        ":", "(", ")", "[", "]", "\n", "\t", " ", "    ", "#", "\"", "\"\"\"", "\\\n",
        "=", "'", "*", "**", "-", "/", ",", "<-", "->", "[[", "]]", "@", "...", "0", "1e",
        "e-", ".", "\xC2\xB5", "\xFF", "\r", "\r\n", "?"};
    static const char *const kNumbers[] = {"0", "-1", "1e308", "1e999", "1e-400", "nan",
                                           "inf", "99999999999999999999", "0.0", "2147483648",
                                           "-2147483649", "9223372036854775808", "0x10", "1.",
                                           ".5", "1e", "00"};
    std::vector<std::string> lines = splitLines(text);
    switch (pick(14)) {
    case 0: { // flip one bit
      if (text.empty())
        break;
      size_t i = pick(text.size());
      text[i] = static_cast<char>(text[i] ^ (1 << pick(8)));
      return "bit flip at byte " + std::to_string(i);
    }
    case 1: { // insert an interesting token
      size_t i = pick(text.size() + 1);
      // A NUL byte now and then: C-string handling bugs hide there.
      std::string tok = pick(20) ? std::string(kInteresting[pick(std::size(kInteresting))])
                                 : std::string(1, '\0');
      text.insert(i, tok);
      return "insert at byte " + std::to_string(i);
    }
    case 2: { // delete a byte range
      if (text.empty())
        break;
      size_t i = pick(text.size()), len = 1 + pick(std::min<size_t>(16, text.size() - i));
      text.erase(i, len);
      return "delete bytes " + std::to_string(i) + "+" + std::to_string(len);
    }
    case 3: { // delete a line
      if (lines.empty())
        break;
      size_t i = pick(lines.size());
      lines.erase(lines.begin() + static_cast<long>(i));
      text = joinLines(lines);
      return "delete line " + std::to_string(i + 1);
    }
    case 4: { // duplicate a line
      if (lines.empty())
        break;
      size_t i = pick(lines.size());
      lines.insert(lines.begin() + static_cast<long>(i), lines[i]);
      text = joinLines(lines);
      return "duplicate line " + std::to_string(i + 1);
    }
    case 5: { // swap two lines
      if (lines.size() < 2)
        break;
      size_t i = pick(lines.size()), j = pick(lines.size());
      std::swap(lines[i], lines[j]);
      text = joinLines(lines);
      return "swap lines " + std::to_string(i + 1) + " and " + std::to_string(j + 1);
    }
    case 6: { // change indentation
      if (lines.empty())
        break;
      size_t i = pick(lines.size());
      std::string &l = lines[i];
      switch (pick(4)) {
      case 0: l.insert(0, std::string(1 + pick(8), ' ')); break;
      case 1: l.erase(0, std::min(l.find_first_not_of(" \t"), 1 + pick(8))); break;
      case 2: l.insert(0, "\t"); break;
      default:
        for (char &c : l) {
          if (c != ' ')
            break;
          c = '\t';
        }
      }
      text = joinLines(lines);
      return "indentation of line " + std::to_string(i + 1);
    }
    case 7: { // truncate
      size_t i = pick(text.size() + 1);
      text.resize(i);
      return "truncate at byte " + std::to_string(i);
    }
    case 8: { // splice a line from another seed
      const Seed &other = seeds_[pick(seeds_.size())];
      std::vector<std::string> src = splitLines(other.text);
      if (src.empty())
        break;
      size_t at = pick(lines.size() + 1);
      lines.insert(lines.begin() + static_cast<long>(at), src[pick(src.size())]);
      text = joinLines(lines);
      return "splice a line from " + other.path.filename().string();
    }
    case 9: // replace a word with another word
    case 10: {
      std::vector<std::pair<size_t, size_t>> spans = tokenSpans(text, /*numbers=*/false);
      if (spans.empty() || vocab_.words.empty())
        break;
      auto [b, e] = spans[pick(spans.size())];
      text.replace(b, e - b, vocab_.words[pick(vocab_.words.size())]);
      return "replace word at byte " + std::to_string(b);
    }
    case 11: { // replace a number with an extreme one
      std::vector<std::pair<size_t, size_t>> spans = tokenSpans(text, /*numbers=*/true);
      if (spans.empty())
        break;
      auto [b, e] = spans[pick(spans.size())];
      text.replace(b, e - b, kNumbers[pick(std::size(kNumbers))]);
      return "replace number at byte " + std::to_string(b);
    }
    case 12: { // deep nesting: parser recursion must not blow the stack
      size_t depth = 1 + pick(pick(2) ? 64 : 3000);
      size_t i = pick(text.size() + 1);
      static const char *const kOpen[] = {"(", "[", "-", "not ", "+", "("};
      const char *open = kOpen[pick(std::size(kOpen))];
      std::string nest;
      for (size_t k = 0; k < depth; ++k)
        nest += open;
      nest += "1";
      if (open[0] == '(' || open[0] == '[')
        nest += std::string(depth, open[0] == '(' ? ')' : ']');
      text.insert(i, nest);
      return "nesting depth " + std::to_string(depth) + " at byte " + std::to_string(i);
    }
    default: { // repeat a line many times (long inputs, many diagnostics)
      if (lines.empty())
        break;
      size_t i = pick(lines.size()), times = 2 + pick(200);
      for (size_t k = 0; k < times; ++k)
        lines.insert(lines.begin() + static_cast<long>(i), lines[i]);
      text = joinLines(lines);
      return "repeat line " + std::to_string(i + 1) + " x" + std::to_string(times);
    }
    }
    text += "\n"; // every case that found nothing to do still changes the input
    return "append newline";
  }

  static std::vector<std::pair<size_t, size_t>> tokenSpans(const std::string &text, bool numbers) {
    std::vector<std::pair<size_t, size_t>> spans;
    size_t i = 0;
    while (i < text.size()) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (std::isalpha(c) || c == '_') {
        size_t j = i;
        while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_'))
          ++j;
        if (!numbers)
          spans.push_back({i, j});
        i = j;
      } else if (std::isdigit(c)) {
        size_t j = i;
        while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.'))
          ++j;
        if (numbers)
          spans.push_back({i, j});
        i = j;
      } else {
        ++i;
      }
    }
    return spans;
  }

  std::mt19937_64 rng_;
  const std::vector<Seed> &seeds_;
  const Vocabulary &vocab_;
};

struct RunResult {
  bool failed = false;
  std::string reason;
};

std::string appendOption(const char *var, const char *extra) {
  const char *old = std::getenv(var);
  return old && *old ? std::string(old) + ":" + extra : std::string(extra);
}

/// Runs nsc with a wall-clock limit; stdout is discarded, stderr kept in
/// `stderrPath` so sanitizer reports can be recognised.
RunResult runNsc(const Options &o, const std::vector<std::string> &args,
                 const fs::path &stderrPath) {
  // Anything still buffered would otherwise be written twice (once by the child).
  std::cout.flush();
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0)
    return {true, std::string("fork failed: ") + std::strerror(errno)};
  if (pid == 0) {
    setpgid(0, 0); // own process group, so a timeout kills everything it started
    int devnull = open("/dev/null", O_WRONLY);
    int errfd = open(stderrPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (devnull < 0 || errfd < 0)
      _exit(127);
    dup2(devnull, STDOUT_FILENO);
    dup2(errfd, STDERR_FILENO);
    close(devnull);
    close(errfd);
    // Distinct exit codes so a sanitizer report is never mistaken for exit 1.
    std::string asan = appendOption("ASAN_OPTIONS", "exitcode=86:detect_leaks=1");
    std::string ubsan = appendOption("UBSAN_OPTIONS", "exitcode=87:print_stacktrace=1");
    setenv("ASAN_OPTIONS", asan.c_str(), 1);
    setenv("UBSAN_OPTIONS", ubsan.c_str(), 1);
    std::vector<char *> argv;
    argv.push_back(const_cast<char *>(o.nsc.c_str()));
    for (const std::string &a : args)
      argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    execv(o.nsc.c_str(), argv.data());
    std::fprintf(stderr, "nsc-mutate: cannot run %s: %s\n", o.nsc.c_str(), std::strerror(errno));
    _exit(127);
  }
  auto start = std::chrono::steady_clock::now();
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      break;
    if (r < 0 && errno != EINTR)
      return {true, std::string("waitpid failed: ") + std::strerror(errno)};
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > o.timeout) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      std::ostringstream msg;
      msg << "timeout after " << o.timeout << " s (hang?)";
      return {true, msg.str()};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  // Only the start of stderr matters; a huge diagnostic flood is fine.
  std::string err;
  {
    std::ifstream in(stderrPath, std::ios::binary);
    err.resize(1 << 20);
    in.read(&err[0], static_cast<std::streamsize>(err.size()));
    err.resize(static_cast<size_t>(in.gcount()));
  }
  for (const char *marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                             "ERROR: UndefinedBehaviorSanitizer", "terminate called",
                             "Assertion", "Stack dump:"})
    if (err.find(marker) != std::string::npos)
      return {true, std::string("sanitizer/abort report: '") + marker + "'"};
  if (WIFSIGNALED(status))
    return {true, std::string("killed by signal ") + strsignal(WTERMSIG(status))};
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    if (code == 127)
      return {true, "could not run nsc"};
    if (code != 0 && code != 1)
      return {true, "exit status " + std::to_string(code)};
  }
  return {};
}

} // namespace

int main(int argc, char **argv) {
  Options o = parseArgs(argc, argv);
  std::vector<Seed> seeds = collectSeeds(o.seedPaths);
  if (seeds.empty())
    usage("no .nrn or .nestml files among the seeds");
  Vocabulary vocab;
  for (const Seed &s : seeds)
    vocab.collect(s.text);

  std::error_code ec;
  fs::path work = fs::absolute(o.workdir);
  fs::create_directories(work / "failures", ec);
  if (ec) {
    std::cerr << "nsc-mutate: cannot create " << work << ": " << ec.message() << "\n";
    return 2;
  }

  static const char *const kEmits[] = {"", "--emit=tokens", "--emit=ast", "--emit=ir",
                                       "--emit=ir-json"};
  Mutator mutator(o.seed, seeds, vocab);
  auto start = std::chrono::steady_clock::now();
  unsigned failures = 0, runs = 0;
  auto report = [&](const RunResult &r, const std::string &label, const fs::path &input,
                    const Seed &seed, const std::string &what, const std::string &emit) {
    ++failures;
    fs::path keep = work / "failures" / (label + seed.path.extension().string());
    fs::copy_file(input, keep, fs::copy_options::overwrite_existing, ec);
    fs::copy_file(work / "stderr.txt", keep.string() + ".stderr", fs::copy_options::overwrite_existing, ec);
    std::cout << "FAIL " << label << ": " << r.reason << "\n"
              << "  seed:      " << seed.path.string() << "\n"
              << "  mutations: " << what << "\n"
              << "  reproduce: " << o.nsc << " " << keep.string() << " -I "
              << seed.path.parent_path().string() << (emit.empty() ? "" : " " + emit) << "\n"
              << "  stderr:    " << keep.string() << ".stderr\n";
  };
  // The unmutated seeds first: a crash there is a failure too, and it tells
  // apart "the compiler is broken" from "this mutant found something".
  for (const Seed &seed : seeds) {
    RunResult r = runNsc(o, {seed.path.string(), "-I", seed.path.parent_path().string(), "--emit=ir"},
                         work / "stderr.txt");
    ++runs;
    if (r.failed)
      report(r, "seed-" + seed.path.stem().string(), seed.path, seed, "none", "--emit=ir");
  }
  for (unsigned it = 0; it < o.iterations && failures < o.maxFailures; ++it) {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > o.timeLimit) {
      std::cout << "nsc-mutate: time limit reached after " << it << " mutants\n";
      break;
    }
    const Seed &seed = seeds[mutator.pick(seeds.size())];
    std::string what;
    std::string text = mutator.mutate(seed, what);
    // Same name as the seed so relative imports and the file extension
    // (.nestml vs .nrn) keep their meaning; -I points at the seed's folder.
    fs::path mutant = work / ("mutant" + seed.path.extension().string());
    {
      std::ofstream out(mutant, std::ios::binary | std::ios::trunc);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    std::vector<std::string> args = {mutant.string(), "-I", seed.path.parent_path().string()};
    std::string emit = kEmits[it % std::size(kEmits)];
    if (!emit.empty())
      args.push_back(emit);
    RunResult r = runNsc(o, args, work / "stderr.txt");
    ++runs;
    if (!r.failed)
      continue;
    report(r, "mutant-" + std::to_string(it), mutant, seed, what, emit);
    if (failures >= o.maxFailures)
      std::cout << "nsc-mutate: stopping after " << failures << " failures\n";
  }
  std::cout << "nsc-mutate: " << runs << " mutants of " << seeds.size() << " seeds, " << failures
            << " failures\n";
  return failures ? 1 : 0;
}
