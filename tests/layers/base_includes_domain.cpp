// Must not compile: the base layer sees no domain header (tests/layers/CMakeLists.txt).
#include "identity/SessionInfo.h"
