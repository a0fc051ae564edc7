// Must not compile: the server libraries see no tool header; the demo generator is kabinet_demo, beside them
// (tests/layers/CMakeLists.txt).
#include "demo/DemoSeeder.h"
