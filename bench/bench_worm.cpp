// Worm benchmark: simulated seconds per wall second for (1) the NCAP swimmer, circuit + body at
// the default 0.03 s control step with 10 sub-steps (target >= 1000x real time headless), also
// through the node kernels as the engine drives them, (2) the connectome network built from
// White et al. (1986) (309 cells) at dt = 1 ms, graded and LIF, and (3) ES generations per
// second for the NCAP and MLP trainers. Median of repeats. Each figure is given in wall time and
// in this thread's CPU time (the latter is what the code costs when the machine is shared).
#include "core/engine/engine.h"
#include "core/graph/json_io.h"
#include "core/model/node_spec.h"
#include "core/worm/connectome_network.h"
#include "core/worm/ncap_circuit.h"
#include "core/worm/swim_trainer.h"
#include "core/worm/swimmer_body.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

using namespace ganglion;
using namespace ganglion::worm;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double threadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double gLastCpu = 0;  // CPU seconds of the last timeIt (median)

/// Wall seconds of fn(), median over `repeats`; the median CPU time goes to gLastCpu.
double timeIt(int repeats, const std::function<void()>& fn) {
    std::vector<double> t, c;
    for (int r = 0; r < repeats; ++r) {
        const double c0 = threadCpuSeconds();
        const auto t0 = Clock::now();
        fn();
        t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        c.push_back(threadCpuSeconds() - c0);
    }
    gLastCpu = median(c);
    return median(t);
}

double swimmerDirect(double seconds, double* forward) {
    BodyConfig bc;
    NcapConfig nc;
    nc.joints = bc.links - 1;
    const int steps = int(seconds / bc.controlDt);
    return timeIt(5, [&] {
        SwimmerBody body(bc);
        NcapCircuit c(nc);
        Eigen::VectorXf a(nc.joints), t(nc.joints);
        const double x0 = body.centerOfMass().x();
        for (int s = 0; s < steps; ++s) {
            body.jointAngles(a);
            c.step(s, a, t);
            body.step(t);
        }
        *forward = body.centerOfMass().x() - x0;
    });
}

double swimmerKernels(double seconds) {
    const auto& reg = NodeRegistry::instance();
    const NodeSpec* cs = reg.find("NcapCircuit");
    const NodeSpec* bs = reg.find("SwimmerBody");
    const int steps = int(seconds / 0.03);
    return timeIt(5, [&] {
        Rng rng(1);
        ParamSet cp = ParamSet::defaults(cs->params), bp = ParamSet::defaults(bs->params);
        auto ck = cs->create();
        auto bk = bs->create();
        ck->build(BuildContext{cp, {Shape::tensor(5), Shape{}, Shape{}}, rng, "circuit"});
        bk->build(BuildContext{bp, {Shape::tensor(5)}, rng, "body"});
        std::vector<Value> cout(2), bout(1);
        Value angles;
        angles.tensor = Matrix::Zero(5, 1);
        StepContext ctx;
        for (int s = 0; s < steps; ++s) {
            const Value* cin[3] = {&angles, nullptr, nullptr};
            ck->forward(ctx, cin, cout);
            const Value* bin[1] = {&cout[0]};
            bk->forward(ctx, bin, bout);
            angles.tensor = bout[0].tensor;
            ctx.step++;
        }
    });
}

/// The bundled example `file` run through the full engine (graph, edges, delayed ports).
double swimmerEngine(const char* file, double seconds) {
    const Graph g = loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/" + file);
    const int steps = int(seconds / 0.03);
    return timeIt(5, [&] {
        Engine e;
        e.build(g);
        if (!e.ok()) throw std::runtime_error(std::string(file) + ": " + e.error());
        for (int s = 0; s < steps; ++s) e.step();
    });
}

}  // namespace

int main() {
    std::printf("# NCAP swimmer (5 joints, control step 0.03 s, 10 sub-steps)\n");
    double forward = 0;
    const double sim = 300.0;
    const double wall = swimmerDirect(sim, &forward);
    const double cpu = gLastCpu;
    std::printf("figure: swimmer_realtime_factor=%.0f x\n", sim / wall);
    std::printf("figure: swimmer_realtime_factor_cpu=%.0f x\n", sim / cpu);
    std::printf("figure: swimmer_control_step_us=%.2f us\n", wall / (sim / 0.03) * 1e6);
    std::printf("figure: swimmer_forward_300s=%.2f m\n", forward);
    const double wallK = swimmerKernels(sim);
    std::printf("figure: swimmer_kernels_realtime_factor=%.0f x\n", sim / wallK);
    std::printf("figure: swimmer_kernels_realtime_factor_cpu=%.0f x\n", sim / gLastCpu);
    std::printf("figure: swimmer_target_met=%d (>= 1000x)\n", sim / wall >= 1000.0 ? 1 : 0);
    const double wallE = swimmerEngine("worm_swimmer.json", sim);
    std::printf("figure: swimmer_engine_realtime_factor=%.0f x (NcapCircuit node + body in the engine)\n", sim / wallE);
    const double wallN = swimmerEngine("worm_neurons.json", sim);
    std::printf("figure: swimmer_expanded_engine_realtime_factor=%.0f x (26 neuron nodes + body)\n", sim / wallN);

    const std::string path = std::string(GANGLION_SHARED_DIR) + "/data/connectome/white_1986_whole.tsv";
    if (std::filesystem::exists(path)) {
        const ConnectomeTable table = loadConnectomeFile(path);
        for (NeuronModel m : {NeuronModel::Graded, NeuronModel::Lif}) {
            NetworkConfig cfg;
            cfg.model = m;
            const char* name = m == NeuronModel::Graded ? "graded" : "lif";
            ConnectomeNetwork net(table, cfg);
            net.setStimulus(net.resolve("ALML ALMR AVM"), m == NeuronModel::Graded ? 1.0 : 3.0);
            const int steps = 10000;  // 10 s at 1 ms
            const double w = timeIt(5, [&] {
                net.reset();
                for (int s = 0; s < steps; ++s) {
                    net.setStimulusOn(s % 3000 < 500);
                    net.step();
                }
            });
            std::printf("# connectome %s: %d cells, %lld synapses, dt 1 ms\n", name, net.size(),
                        (long long)(net.excitatory().nonZeros() + net.inhibitory().nonZeros() + net.gap().nonZeros()));
            std::printf("figure: connectome_%s_realtime_factor=%.0f x\n", name, steps * cfg.dt / w);
            std::printf("figure: connectome_%s_realtime_factor_cpu=%.0f x\n", name, steps * cfg.dt / gLastCpu);
            std::printf("figure: connectome_%s_step_us=%.2f us\n", name, w / steps * 1e6);
        }
    } else {
        std::printf("# connectome table not found at %s: connectome figures skipped\n", path.c_str());
    }

    std::printf("# ES training, population 16, 6 s episodes\n");
    for (bool mlp : {false, true}) {
        std::unique_ptr<SwimController> ctl;
        if (mlp) ctl = std::make_unique<MlpController>(5, std::vector<int>{64, 64}, 1.8, 0.03, 1);
        else ctl = std::make_unique<NcapController>(NcapConfig{});
        const int params = ctl->parameterCount();
        SwimTrainer t(std::move(ctl), BodyConfig{}, TrainerConfig{});
        const int gens = 5;
        const double w = timeIt(1, [&] {
            for (int g = 0; g < gens; ++g) t.generation();
        });
        std::printf("figure: es_%s_generations_per_s=%.1f gen/s (%d parameters)\n", mlp ? "mlp" : "ncap",
                    gens / w, params);
        std::printf("figure: es_%s_generations_per_cpu_s=%.1f gen/s\n", mlp ? "mlp" : "ncap", gens / gLastCpu);
    }
    return 0;
}
