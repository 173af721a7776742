#include "core/io/helper_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <filesystem>

extern char** environ;

namespace ganglion::io {

namespace {

constexpr std::size_t kStderrKeep = 4096;

bool isExecutable(const std::string& p) {
    struct stat st {};
    return !p.empty() && ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

/// Closes a file descriptor on scope exit.
struct Fd {
    int fd = -1;
    ~Fd() { reset(); }
    void reset() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
};

/// posix_spawn attribute/action objects, destroyed on scope exit.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
};

}  // namespace

std::string describeSignal(int sig) {
    const char* name = ::strsignal(sig);
    return "signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : std::string());
}

std::string findHelper(const std::string& name, const char* envVar, const std::string& buildPath, std::string* tried) {
    std::string places;
    if (const char* env = envVar ? std::getenv(envVar) : nullptr; env && *env) {
        if (isExecutable(env)) return env;
        if (tried) *tried = std::string("$") + envVar + " = " + env + " (not an executable file)";
        return {};
    }
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const std::string beside = (self.parent_path() / name).string();
        if (isExecutable(beside)) return beside;
        places = beside;
    }
    if (isExecutable(buildPath)) return buildPath;
    if (!buildPath.empty()) places += (places.empty() ? "" : ", ") + buildPath;
    if (tried) *tried = places + (places.empty() ? "" : ", ") + "$" + (envVar ? envVar : "");
    return {};
}

HelperResult runHelper(const std::string& program, const std::vector<std::string>& args, const HelperLimits& limits) {
    HelperResult r;
    const auto t0 = std::chrono::steady_clock::now();
    Fd outR, outW, errR, errW;
    {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0) {
            r.error = std::string("cannot create a pipe: ") + std::strerror(errno);
            return r;
        }
        outR.fd = p[0], outW.fd = p[1];
        if (::pipe2(p, O_CLOEXEC) != 0) {
            r.error = std::string("cannot create a pipe: ") + std::strerror(errno);
            return r;
        }
        errR.fd = p[0], errW.fd = p[1];
    }
    SpawnSetup s;
    posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&s.actions, outW.fd, 1);
    posix_spawn_file_actions_adddup2(&s.actions, errW.fd, 2);
    // Own process group, so a timeout kills anything the helper started too; default signal
    // dispositions and an empty signal mask whatever the calling thread has.
    // (Handlers are reset by exec anyway; this undoes signals the caller ignores, e.g. SIGPIPE.)
    sigset_t none, reset;
    sigemptyset(&none);
    sigemptyset(&reset);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGXCPU, SIGXFSZ, SIGALRM, SIGUSR1, SIGUSR2})
        sigaddset(&reset, sig);
    posix_spawnattr_setsigmask(&s.attr, &none);
    posix_spawnattr_setsigdefault(&s.attr, &reset);
    posix_spawnattr_setpgroup(&s.attr, 0);
    posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> argvStore;
    argvStore.push_back(program);
    argvStore.insert(argvStore.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argvStore) argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, program.c_str(), &s.actions, &s.attr, argv.data(), environ);
    outW.reset();
    errW.reset();
    if (rc != 0) {
        r.error = "cannot start " + program + ": " + std::strerror(rc);
        return r;
    }
    r.started = true;

    const auto deadline = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(limits.timeoutSeconds));
    char buf[65536];
    while (outR.fd >= 0 || errR.fd >= 0) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            r.timedOut = true;
            break;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
        pollfd fds[2];
        nfds_t n = 0;
        if (outR.fd >= 0) fds[n++] = {outR.fd, POLLIN, 0};
        if (errR.fd >= 0) fds[n++] = {errR.fd, POLLIN, 0};
        const int pr = ::poll(fds, n, int(std::min<long long>(left, INT_MAX)));
        if (pr < 0 && errno == EINTR) continue;
        if (pr < 0) break;
        for (nfds_t i = 0; i < n; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
            if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            Fd& which = fds[i].fd == outR.fd ? outR : errR;
            if (got <= 0) {
                which.reset();
                continue;
            }
            if (&which == &outR) {
                if (r.out.size() + std::size_t(got) > limits.maxOutputBytes) {
                    r.outputTooLarge = true;
                    break;
                }
                r.out.append(buf, std::size_t(got));
            } else {
                r.err.append(buf, std::size_t(got));
                if (r.err.size() > 2 * kStderrKeep) r.err.erase(0, r.err.size() - kStderrKeep);
            }
        }
        if (r.outputTooLarge) break;
    }
    // Both pipes are closed (or we gave up reading): wait for the exit, still against the
    // deadline, without reaping yet (the zombie keeps the process-group id from being reused).
    bool exited = false;
    while (!r.timedOut && !r.outputTooLarge) {
        siginfo_t info{};
        const int w = ::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT);
        if ((w == 0 && info.si_pid == pid) || (w < 0 && errno == ECHILD)) {  // ECHILD: reaped by someone else
            exited = true;
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) r.timedOut = true;
        else ::usleep(2000);
    }
    ::kill(-pid, SIGKILL);  // whatever is left of the helper's process group
    if (!exited) ::kill(pid, SIGKILL);
    int status = 0;
    pid_t w;
    while ((w = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    if (w != pid) r.error = "its exit status was collected elsewhere";
    else if (exited && WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
    else if (exited && WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    if (r.err.size() > kStderrKeep) r.err.erase(0, r.err.size() - kStderrKeep);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace ganglion::io
