// Playback controls for an event stream: play/pause, a scrub slider over the recording and a
// logarithmic speed control from 0.01x to max.
#pragma once

#include <QWidget>

#include <cstdint>

class QLabel;
class QSlider;
class QToolButton;

namespace ganglion {

class PlaybackBar : public QWidget {
    Q_OBJECT
public:
    explicit PlaybackBar(QWidget* parent = nullptr);
    /// Recording span in µs (end <= begin: unbounded stream, the scrubber is disabled).
    void setRange(std::int64_t begin, std::int64_t end);
    void setPosition(std::int64_t t);
    void setPlaying(bool playing);
    void setSpeed(double speed);
    double speed() const;
    static constexpr double kMaxSpeed = 1e6;  ///< "max": as fast as the engine runs

signals:
    void playToggled(bool play);
    void seekRequested(std::int64_t t);
    void speedChanged(double speed);

private:
    void updateLabels();
    QToolButton* play_;
    QSlider* scrub_;
    QSlider* speedSlider_;
    QLabel* time_;
    QLabel* speedLabel_;
    std::int64_t begin_ = 0, end_ = 0, pos_ = 0;
};

}  // namespace ganglion
