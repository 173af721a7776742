// The Lesson dock: the current step of a guided lesson (core/lesson) — its text as rendered
// Markdown, "Step n of N", what the step runs until and whether that was reached, its question
// and whether the question's check is met, notes about anything the step names that the graph
// lacks — with Back / Next and "Show me". The panel owns the runner and its host; it polls the
// runner on a timer (the runner reads the session's snapshots, it never waits for the engine).
// With no lesson running it can offer the lesson that goes with the open document.
#pragma once

#include "core/lesson/lesson_runner.h"

#include <QWidget>

#include <memory>

class QLabel;
class QPushButton;
class QTextBrowser;
class QTimer;

namespace ganglion {

class LessonPanel : public QWidget {
    Q_OBJECT
public:
    explicit LessonPanel(QWidget* parent = nullptr);
    ~LessonPanel() override;

    /// Starts `lesson` on `host` at its first step (the panel owns both; a running lesson stops).
    void start(Lesson lesson, std::unique_ptr<LessonHost> host);
    void stop();
    bool running() const { return runner_ != nullptr; }
    LessonRunner* runner() const { return runner_.get(); }
    /// With no lesson running: offers the lesson titled so (a Start button); "" withdraws it.
    void offer(const QString& lessonTitle);
    QString offered() const { return offered_; }

    /// Polls the runner and shows its state (the timer calls it; tests may too).
    void refresh();

    QPushButton* backButton() const { return back_; }
    QPushButton* nextButton() const { return next_; }
    QPushButton* showMeButton() const { return showMe_; }
    QLabel* stepLabel() const { return step_; }
    QLabel* runLabel() const { return run_; }
    QLabel* checkLabel() const { return check_; }
    QLabel* notesLabel() const { return notes_; }
    QTextBrowser* textBrowser() const { return text_; }

signals:
    void startRequested();  ///< the offered lesson's Start was clicked
    void lessonStopped();

private:
    void showStep();  ///< the step's fixed parts (title, text, question) after a move
    void go(bool forward);

    std::unique_ptr<LessonHost> host_;  // declared before the runner, which refers to it
    std::unique_ptr<LessonRunner> runner_;
    QString offered_;
    QLabel *title_, *step_, *run_, *question_, *check_, *notes_;
    QTextBrowser* text_;
    QPushButton *back_, *next_, *showMe_, *close_, *start_;
    QWidget* questionBox_;
    QTimer* timer_;
};

}  // namespace ganglion
