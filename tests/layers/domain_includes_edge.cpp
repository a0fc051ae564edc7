// Must not compile: the domain layer sees no edge header (tests/layers/CMakeLists.txt).
#include "http/Router.h"
