// The paper a bundled example reproduces, as its file declares it in a top-level "paper" object
// beside "settings" (Help > Papers lists one entry per paper, opening its examples):
//   "paper": {"title": "...", "authors": "...", "year": 2008, "venue": "PLoS ONE 3(1)",
//             "summary": "the idea, in our words", "lookAt": "what to watch in the workbench",
//             "claim": "the qualitative result the example reproduces",
//             "check": "core_tst_snn_examples/stdpExampleLearnsPattern"}
// "check" names the headless test (test program / test function) that asserts the claim on the
// example; the test suite verifies that every declared check exists. Examples whose paper's
// claim is not reproduced declare no paper and are not listed.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ganglion {

struct PaperRef {
    std::string title, authors, venue;
    int year = 0;
    std::string summary, lookAt, claim;
    std::string check;  ///< "<test program>/<test function>"
    bool operator==(const PaperRef&) const = default;
};

struct PaperFormatError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The paper a graph file declares; nullopt when it declares none. Throws PaperFormatError
/// naming the file and the field (e.g. "paper.claim: missing") for a malformed entry, and for a
/// file that is not JSON.
std::optional<PaperRef> readPaperRef(const std::string& path);
/// The same from a file's text; `where` starts the messages.
std::optional<PaperRef> paperRefFromJson(const std::string& text, const std::string& where);

/// A paper and the example files that reproduce it (each with its own claim, what to look at
/// and its check); title, authors, venue, year and summary come from the first example.
struct PaperEntry {
    PaperRef paper;
    struct Example {
        std::string path;
        PaperRef ref;
    };
    std::vector<Example> examples;
};
/// One entry per distinct paper title among `files` (in the order of their first example);
/// files that declare no paper are left out, malformed ones reported in `errors` (one line each).
std::vector<PaperEntry> paperGallery(const std::vector<std::string>& files, std::vector<std::string>* errors = nullptr);

}  // namespace ganglion
