#include "app/lesson_panel.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace ganglion {

namespace {

QLabel* wrapped(QWidget* parent, const QString& style = {}) {
    auto* l = new QLabel(parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (!style.isEmpty()) l->setStyleSheet(style);
    return l;
}

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

LessonPanel::LessonPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("lessonPanel");
    auto* v = new QVBoxLayout(this);
    title_ = wrapped(this, "font-weight: bold; font-size: 12pt;");
    step_ = wrapped(this, "font-weight: bold;");
    step_->setObjectName("lessonStep");
    text_ = new QTextBrowser(this);
    text_->setObjectName("lessonText");
    text_->setOpenExternalLinks(true);
    text_->setMinimumHeight(120);
    notes_ = wrapped(this, "background: #fff3cd; color: #6b4e00; border: 1px solid #e0b84c; padding: 4px;");
    notes_->setObjectName("lessonNotes");
    run_ = wrapped(this);
    run_->setObjectName("lessonRun");

    questionBox_ = new QFrame(this);
    questionBox_->setObjectName("lessonQuestion");
    questionBox_->setStyleSheet("#lessonQuestion { border: 1px solid palette(mid); border-radius: 4px; }");
    auto* qv = new QVBoxLayout(questionBox_);
    question_ = wrapped(questionBox_, "font-style: italic;");
    check_ = wrapped(questionBox_);
    check_->setObjectName("lessonCheck");
    showMe_ = new QPushButton(tr("Show me"), questionBox_);
    showMe_->setToolTip(tr("Make the change the question asks for (an undoable edit)"));
    auto* qh = new QHBoxLayout;
    qh->addWidget(check_, 1);
    qh->addWidget(showMe_, 0, Qt::AlignTop);
    qv->addWidget(question_);
    qv->addLayout(qh);

    back_ = new QPushButton(tr("◀ Back"), this);
    next_ = new QPushButton(tr("Next ▶"), this);
    close_ = new QPushButton(tr("End lesson"), this);
    start_ = new QPushButton(tr("Start the lesson"), this);
    start_->setObjectName("lessonStart");
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(back_);
    buttons->addWidget(next_);
    buttons->addStretch(1);
    buttons->addWidget(close_);

    v->addWidget(title_);
    v->addWidget(step_);
    v->addWidget(text_, 1);
    v->addWidget(notes_);
    v->addWidget(run_);
    v->addWidget(questionBox_);
    v->addLayout(buttons);
    v->addWidget(start_);

    connect(back_, &QPushButton::clicked, this, [this] { go(false); });
    connect(next_, &QPushButton::clicked, this, [this] { go(true); });
    connect(showMe_, &QPushButton::clicked, this, [this] {
        if (runner_) runner_->showAnswer();
        refresh();
    });
    connect(close_, &QPushButton::clicked, this, &LessonPanel::stop);
    connect(start_, &QPushButton::clicked, this, &LessonPanel::startRequested);

    timer_ = new QTimer(this);
    timer_->setInterval(250);
    // polls even while the dock is behind another tab: a "play until" must pause the run on time
    connect(timer_, &QTimer::timeout, this, &LessonPanel::refresh);
    stop();
}

LessonPanel::~LessonPanel() = default;

void LessonPanel::start(Lesson lesson, std::unique_ptr<LessonHost> host) {
    if (runner_) host_->clearHighlights();
    runner_.reset();
    host_ = std::move(host);
    runner_ = std::make_unique<LessonRunner>(std::move(lesson), *host_);
    offered_.clear();
    runner_->start();
    timer_->start();
    showStep();
}

void LessonPanel::stop() {
    const bool was = running();
    if (runner_) host_->clearHighlights();
    runner_.reset();
    host_.reset();
    timer_->stop();
    showStep();
    if (was) emit lessonStopped();
}

void LessonPanel::offer(const QString& lessonTitle) {
    if (running()) return;
    offered_ = lessonTitle;
    showStep();
}

void LessonPanel::go(bool forward) {
    if (!runner_) return;
    if (forward) runner_->next();
    else runner_->back();
    showStep();
}

void LessonPanel::showStep() {
    const bool on = running();
    for (QWidget* w : {static_cast<QWidget*>(step_), static_cast<QWidget*>(back_), static_cast<QWidget*>(next_),
                       static_cast<QWidget*>(close_), static_cast<QWidget*>(run_)})
        w->setVisible(on);
    start_->setVisible(!on && !offered_.isEmpty());
    if (!on) {
        title_->setText(offered_.isEmpty() ? tr("No lesson") : tr("This graph has a lesson: %1").arg(offered_));
        text_->setMarkdown(offered_.isEmpty()
                               ? tr("Open one from the **Lessons** menu: each lesson walks through an example step by "
                                    "step, runs it until something happens and asks what you see.")
                               : tr("Press **Start the lesson** to be guided through this graph step by step."));
        notes_->hide();
        questionBox_->hide();
        return;
    }
    const Lesson& lesson = runner_->lesson();
    const LessonStep& s = runner_->step();
    title_->setText(q(lesson.title));
    step_->setText(tr("Step %1 of %2 · %3").arg(runner_->current() + 1).arg(runner_->count()).arg(q(s.title)));
    QString md = q(s.text);
    if (runner_->current() == 0 && !lesson.intro.empty()) md = q(lesson.intro) + "\n\n" + md;
    text_->setMarkdown(md);
    back_->setEnabled(runner_->current() > 0);
    next_->setEnabled(runner_->current() + 1 < runner_->count());
    questionBox_->setVisible(!s.question.empty() || s.hasCheck);
    question_->setText(q(s.question));
    question_->setVisible(!s.question.empty());
    showMe_->setVisible(!s.answer.empty());
    refresh();
}

void LessonPanel::refresh() {
    if (!runner_) return;
    const StepStatus& st = runner_->poll();
    const LessonStep& s = runner_->step();
    QStringList notes;
    for (const std::string& n : st.notes) notes << q(n);
    notes_->setText(notes.isEmpty() ? QString() : tr("Not in this graph — the lesson goes on:\n%1").arg(notes.join('\n')));
    notes_->setVisible(!notes.isEmpty());
    QString untilText;
    for (const LessonAction& a : s.actions)
        if (a.kind == LessonAction::Kind::PlayUntil) untilText = q(a.until.source);
    run_->setVisible(st.hasPlay);
    if (st.hasPlay)
        run_->setText(st.playMet ? tr("✓ Ran until %1 (%2)").arg(untilText, q(st.playSeen))
                                 : tr("▶ Running until %1 — now %2").arg(untilText, q(st.playSeen)));
    if (s.hasCheck)
        check_->setText(st.checkMet ? tr("✓ Done: %1").arg(q(st.checkSeen))
                                    : tr("Waiting until %1 — now %2").arg(q(s.check.source), q(st.checkSeen)));
    else
        check_->setText(tr("Think about it, then press Next."));
    check_->setStyleSheet(s.hasCheck && st.checkMet ? "color: #1b7f3a; font-weight: bold;" : QString());
    showMe_->setEnabled(!st.checkMet);
}

}  // namespace ganglion
