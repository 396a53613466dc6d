#pragma once

// Where the checkout, the build folder and the designsim binary of this build are. The values
// live in checkout.cpp, which CMake writes into the build folder, and not in compile
// definitions: a definition naming the checkout would make every compile command differ between
// two checkouts of one commit, and ccache could then serve none of the tests' objects.
namespace checkout {
extern const char* const source_dir;
extern const char* const build_dir;
extern const char* const designsim_binary;
}  // namespace checkout
