#include "widgets/events/playback_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QToolButton>

#include <algorithm>
#include <cmath>

namespace ganglion {

namespace {
constexpr int kSpeedSteps = 500;  // slider 0..500 -> 10^-2 .. 10^3, top notch = max
double speedFromSlider(int v) {
    if (v >= kSpeedSteps) return PlaybackBar::kMaxSpeed;
    return std::pow(10.0, -2.0 + 5.0 * v / kSpeedSteps);
}
int sliderFromSpeed(double s) {
    if (s >= 1000.0 * 1.0001) return kSpeedSteps;
    return int(std::lround((std::log10(std::max(0.01, s)) + 2.0) / 5.0 * kSpeedSteps));
}
}  // namespace

PlaybackBar::PlaybackBar(QWidget* parent) : QWidget(parent) {
    auto* lay = new QHBoxLayout(this);
    lay->setContentsMargins(2, 2, 2, 2);
    play_ = new QToolButton(this);
    play_->setCheckable(true);
    play_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    play_->setToolTip(tr("Play / pause the engine"));
    scrub_ = new QSlider(Qt::Horizontal, this);
    scrub_->setRange(0, 1000);
    scrub_->setToolTip(tr("Scrub through the recording"));
    time_ = new QLabel(this);
    time_->setMinimumWidth(110);
    speedSlider_ = new QSlider(Qt::Horizontal, this);
    speedSlider_->setRange(0, kSpeedSteps);
    speedSlider_->setFixedWidth(120);
    speedSlider_->setToolTip(tr("Playback speed, 0.01x to max"));
    speedLabel_ = new QLabel(this);
    speedLabel_->setMinimumWidth(50);
    lay->addWidget(play_);
    lay->addWidget(scrub_, 1);
    lay->addWidget(time_);
    lay->addWidget(new QLabel(tr("speed"), this));
    lay->addWidget(speedSlider_);
    lay->addWidget(speedLabel_);

    connect(play_, &QToolButton::toggled, this, [this](bool on) {
        play_->setIcon(style()->standardIcon(on ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
        emit playToggled(on);
    });
    // Programmatic moves are made under a QSignalBlocker, so every valueChanged is the user's.
    connect(scrub_, &QSlider::valueChanged, this, [this](int v) {
        if (end_ <= begin_) return;
        pos_ = begin_ + (end_ - begin_) * v / 1000;
        updateLabels();
        emit seekRequested(pos_);
    });
    connect(speedSlider_, &QSlider::valueChanged, this, [this](int v) {
        updateLabels();
        emit speedChanged(speedFromSlider(v));
    });
    setSpeed(1.0);
    setRange(0, 0);
}

void PlaybackBar::setRange(std::int64_t begin, std::int64_t end) {
    begin_ = begin;
    end_ = end;
    scrub_->setEnabled(end > begin);
    updateLabels();
}

void PlaybackBar::setPosition(std::int64_t t) {
    pos_ = t;
    if (end_ > begin_ && !scrub_->isSliderDown()) {
        const QSignalBlocker block(scrub_);
        scrub_->setValue(int(std::clamp<std::int64_t>((t - begin_) * 1000 / (end_ - begin_), 0, 1000)));
    }
    updateLabels();
}

void PlaybackBar::setPlaying(bool playing) {
    const QSignalBlocker block(play_);
    play_->setChecked(playing);
    play_->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

void PlaybackBar::setSpeed(double s) {
    const QSignalBlocker block(speedSlider_);
    speedSlider_->setValue(sliderFromSpeed(s));
    updateLabels();
}

double PlaybackBar::speed() const { return speedFromSlider(speedSlider_->value()); }

void PlaybackBar::updateLabels() {
    const double s = speed();
    speedLabel_->setText(s >= kMaxSpeed ? tr("max") : QString::number(s, 'g', 3) + "x");
    const double t = pos_ * 1e-6;
    time_->setText(end_ > begin_ ? tr("%1 / %2 s").arg(t, 0, 'f', 3).arg(end_ * 1e-6, 0, 'f', 3)
                                 : tr("%1 s").arg(t, 0, 'f', 3));
}

}  // namespace ganglion
