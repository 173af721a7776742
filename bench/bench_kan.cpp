// KAN benchmark: [784,64,10] on Fashion-MNIST batches of 128 (training and inference samples/s,
// test accuracy after one epoch) and the [2,5,1] fit of exp(sin(πx)+y²) (steps/s, test RMSE),
// then the efficient-kan style PyTorch peer (../shared/peers/torch_kan.py) and the ratios:
// training (kan_train_ratio_vs_torch) and forward-only inference on the same network and batch
// (kan_inference_vs_torch; kan_infer_ratio_vs_torch is the same figure under its earlier name).
// The other bases (AF-KAN, adaptive RBF, sine, poly) train the same [784,64,10] network for
// --basis-batches batches (default 40): their training samples/s relative to a B-spline KAN
// trained just before for as many batches, and to the torch peer's B-spline KAN.
// Usage: bench_kan [--batches N] [--basis-batches N] [--no-peer] [--toy-steps N] [--threads 1|2]
// (default 2, like the peer's torch threads; on a loaded machine 1 thread can be faster)
#include "bench/peer.h"
#include "core/g2g/fashion_mnist.h"
#include "core/kan/kan_net.h"
#include "core/kan/kan_optim.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <numeric>
#include <string>

using namespace ganglion;
using namespace ganglion::kan;
using Clock = std::chrono::steady_clock;

namespace {
double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

struct Data {
    Matrix trainX, trainY, testX, testY;
    std::string source;
};

Data loadData() {
    Data d;
    try {
        auto fm = g2g::FashionMnist::load();
        std::vector<int> tr(size_t(fm->train.size())), te(size_t(fm->test.size()));
        std::iota(tr.begin(), tr.end(), 0);
        std::iota(te.begin(), te.end(), 0);
        g2g::fillBatch(fm->train, tr, g2g::Normalisation::MinusOneOne, d.trainX, d.trainY);
        g2g::fillBatch(fm->test, te, g2g::Normalisation::MinusOneOne, d.testX, d.testY);
        d.source = std::string("Fashion-MNIST from ") + g2g::kFashionMnistDir;
    } catch (const std::exception& e) {
        Rng rng(7);
        std::uniform_real_distribution<float> u(-1.f, 1.f);
        std::uniform_int_distribution<int> c(0, 9);
        auto fill = [&](Matrix& X, Matrix& Y, int n) {
            X.resize(784, n);
            Y.resize(1, n);
            for (Eigen::Index k = 0; k < X.size(); ++k) X(k) = u(rng);
            for (int k = 0; k < n; ++k) Y(0, k) = float(c(rng));
        };
        fill(d.trainX, d.trainY, 60000);
        fill(d.testX, d.testY, 10000);
        d.source = std::string("RANDOM data (Fashion-MNIST unavailable: ") + e.what() + ")";
    }
    return d;
}

struct TrainRun {
    double samplesPerS = 0, cpuSamplesPerS = 0, loss = 0;
};

// Trains `net` with Adam(1e-3) on `batches` shuffled batches of 128; the first 5 warm up untimed.
TrainRun train(Net& net, const Data& d, int batches) {
    Adam opt(net.parameters(), 1e-3);
    g2g::EpochSampler sampler;
    sampler.reset(int(d.trainX.cols()), 0, true);
    const int batch = 128, warmup = std::min(5, batches - 1);
    Matrix xb(784, batch), yb(1, batch), g;
    TrainRun r;
    Clock::time_point tStart;
    std::clock_t cStart = 0;
    for (int b = 0; b < batches; ++b) {
        if (b == warmup) {
            tStart = Clock::now();
            cStart = std::clock();
        }
        auto idx = sampler.next(batch);
        for (int k = 0; k < batch; ++k) {
            xb.col(k) = d.trainX.col(idx[size_t(k)]);
            yb(0, k) = d.trainY(0, idx[size_t(k)]);
        }
        opt.zeroGrad();
        r.loss = crossEntropyLoss(net.forward(xb), yb, &g, nullptr);
        net.backward(g);
        opt.step();
    }
    r.samplesPerS = double(batches - warmup) * batch / seconds(tStart, Clock::now());
    r.cpuSamplesPerS = double(batches - warmup) * batch / (double(std::clock() - cStart) / CLOCKS_PER_SEC);
    return r;
}

std::map<std::string, double> runPeer(const std::string& args) {
    return bench::runPeerScript(std::string(GANGLION_SHARED_DIR) + "/peers/torch_kan.py", args);
}
}  // namespace

int main(int argc, char** argv) {
    int batches = 469, toySteps = 2000, threads = 2, basisBatches = 40;
    bool peer = true;
    double toySps = 0, toyRmse = 0;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--batches") && i + 1 < argc) batches = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--toy-steps") && i + 1 < argc) toySteps = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--basis-batches") && i + 1 < argc) basisBatches = std::max(2, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--no-peer")) peer = false;
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    }
    setThreads(threads);
    std::printf("Eigen %d.%d.%d, KAN layer threads: %d (the peer runs torch with 2)\n", EIGEN_WORLD_VERSION,
                EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION, kan::threads());

    // --- [2,5,1] formula fit, full batch Adam(lr 1e-2) like the peer's default toy task ---
    {
        Rng rng(0);
        std::uniform_real_distribution<float> u(-1.f, 1.f);
        auto make = [&](Matrix& X, Matrix& Y) {
            X.resize(2, 1000);
            Y.resize(1, 1000);
            for (int b = 0; b < 1000; ++b) {
                X(0, b) = u(rng);
                X(1, b) = u(rng);
                Y(0, b) = std::exp(std::sin(float(M_PI) * X(0, b)) + X(1, b) * X(1, b));
            }
        };
        Matrix Xtr, Ytr, Xte, Yte, g;
        make(Xtr, Ytr);
        make(Xte, Yte);
        Net net({2, 5, 1}, LayerConfig{}, rng);
        Adam opt(net.parameters(), 1e-2);
        const auto t0 = Clock::now();
        for (int s = 0; s < toySteps; ++s) {
            opt.zeroGrad();
            mseLoss(net.forward(Xtr), Ytr, &g);
            net.backward(g);
            opt.step();
        }
        const double dt = seconds(t0, Clock::now());
        const double rmse = std::sqrt(mseLoss(net.forward(Xte, false), Yte, nullptr));
        std::printf("toy: KAN[2,5,1] opt=adam steps=%d time=%.3f s (%.0f steps/s) test_rmse=%.4g\n", toySteps, dt,
                    toySteps / dt, rmse);
        toySps = toySteps / dt;
        toyRmse = rmse;
        std::printf("figure: kan_toy_test_rmse=%.4g\n", rmse);
        std::printf("figure: kan_toy_steps_per_s=%.1f steps/s\n", toySteps / dt);
    }

    // --- [784,64,10] classifier ---
    const Data d = loadData();
    std::printf("data: %s (train %ld, test %ld)\n", d.source.c_str(), long(d.trainX.cols()), long(d.testX.cols()));
    Rng rng(0);
    Net net({784, 64, 10}, LayerConfig{}, rng);
    long params = 0;
    for (auto& p : net.parameters()) params += long(p.value->size());
    const int batch = 128;
    const TrainRun run = train(net, d, batches);
    const double trainSps = run.samplesPerS, trainCpuSps = run.cpuSamplesPerS, loss = run.loss;
    std::vector<double> times;
    int correct = 0;
    for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = Clock::now();
        correct = 0;
        for (Eigen::Index s = 0; s < d.testX.cols(); s += batch) {
            const Eigen::Index n = std::min<Eigen::Index>(batch, d.testX.cols() - s);
            int c = 0;
            crossEntropyLoss(net.forward(d.testX.middleCols(s, n), false), d.testY.middleCols(s, n), nullptr, &c);
            correct += c;
        }
        times.push_back(seconds(t0, Clock::now()));
    }
    std::sort(times.begin(), times.end());
    const double inferSps = double(d.testX.cols()) / times[1];
    const double acc = double(correct) / double(d.testX.cols());
    std::printf(" kan: params=%ld train=%.0f samples/s (%d batches x %d, last loss %.3f) infer=%.0f samples/s (batch %d) test_acc=%.4f\n",
                params, trainSps, batches, batch, loss, inferSps, batch, acc);
    std::printf("figure: kan_test_acc=%.4f\n", acc);
    std::printf("figure: kan_infer_samples_per_s=%.0f samples/s\n", inferSps);
    std::printf("figure: kan_train_samples_per_cpu_s=%.0f samples/cpu-s\n", trainCpuSps);
    std::printf("figure: kan_train_samples_per_s=%.0f samples/s\n", trainSps);

    // --- the other bases on the same network, each right after a B-spline run of the same length
    // (the machine's load drifts; adjacent runs keep the ratio fair) ---
    std::map<std::string, double> basisSps;
    for (const char* name : {"af", "rbf_adaptive", "sine", "poly"}) {
        Rng srng(0);
        Net ref({784, 64, 10}, LayerConfig{}, srng);
        const double refSps = train(ref, d, basisBatches).samplesPerS;
        LayerConfig cfg;
        cfg.basis = basisFromName(name);
        Rng brng(0);
        Net bnet({784, 64, 10}, cfg, brng);
        long bparams = 0;
        for (auto& p : bnet.parameters()) bparams += long(p.value->size());
        const TrainRun r = train(bnet, d, basisBatches);
        basisSps[name] = r.samplesPerS;
        std::printf(" kan %s: params=%ld train=%.0f samples/s (%d batches x %d, last loss %.3f; B-spline just before: %.0f samples/s)\n",
                    name, bparams, r.samplesPerS, basisBatches, batch, r.loss, refSps);
        std::printf("figure: kan_%s_over_bspline_samples_per_s=%.3f\n", name, r.samplesPerS / refSps);
    }

    if (!peer) return 0;
    auto pf = runPeer("--models kan --batches " + std::to_string(batches) + " --toy-steps " + std::to_string(toySteps));
    if (pf.count("kan_train_samples_per_s")) {
        std::printf("figure: kan_train_ratio_vs_torch=%.2f x\n", trainSps / pf["kan_train_samples_per_s"]);
        std::printf("figure: kan_infer_ratio_vs_torch=%.2f x\n", inferSps / pf["kan_infer_samples_per_s"]);
        // forward only, batch 128 on both sides (the peer: torch.no_grad, median of 3 passes)
        std::printf("figure: kan_inference_vs_torch=%.2f x\n", inferSps / pf["kan_infer_samples_per_s"]);
        std::printf("accuracy after %d batches: ours %.4f, torch %.4f\n", batches, acc, pf["kan_test_acc"]);
        std::printf("figure: kan_test_acc_minus_torch=%.4f\n", acc - pf["kan_test_acc"]);
        for (const auto& [name, sps] : basisSps)
            std::printf("figure: kan_%s_vs_torch=%.3f x\n", name.c_str(), sps / pf["kan_train_samples_per_s"]);
    }
    if (pf.count("kan_toy_steps_per_s")) {
        std::printf("figure: kan_toy_steps_ratio_vs_torch=%.2f x\n", toySps / pf["kan_toy_steps_per_s"]);
        std::printf("figure: kan_toy_rmse_minus_torch=%.4g\n", toyRmse - pf["kan_toy_test_rmse"]);
    }
    if (pf.empty()) {
        std::printf("peer: no figures (is python3-torch installed?)\n");
    }
    return 0;
}
