#pragma once
/// The one error of backup and restore: what went wrong, in words for the operator who runs the command
/// (which file, which setting, what to do). The CLI prints it and exits non-zero.
#include <stdexcept>
#include <string>

namespace kabinet::backup {

/// A backup or restore that cannot go on; nothing it was about to change has been changed.
struct BackupError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

} // namespace kabinet::backup
