// Undo commands that reshape a trained model: graph edits (its children) together with the
// learned state before and after, which the session loads into the rebuilt engine. Undo thus
// restores the model as it was trained, not a freshly initialised one.
#pragma once

#include "document/session.h"

#include <QUndoCommand>

#include <map>
#include <string>

namespace ganglion {

class ReshapeModelCommand : public QUndoCommand {
public:
    using State = std::map<std::string, KernelState>;
    /// Add the graph edits as children (e.g. SetParamCommand(..., this)) before pushing.
    ReshapeModelCommand(Session* session, const QString& text, State before, State after)
        : QUndoCommand(text), session_(session), before_(std::move(before)), after_(std::move(after)) {}
    void redo() override {
        QUndoCommand::redo();
        session_->carryStateIntoRebuild(after_);
    }
    void undo() override {
        QUndoCommand::undo();
        session_->carryStateIntoRebuild(before_);
    }

private:
    Session* session_;
    State before_, after_;
};

}  // namespace ganglion
