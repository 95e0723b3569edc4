#pragma once
// Our own main(): silence the SystemC banner (it would pollute --help, CSV on stdout and test
// discovery), then enter SystemC's normal start-up, which calls sc_main(). Include in exactly one
// translation unit of an executable.
#include <cstdlib>
#include <systemc>

int main(int argc, char* argv[]) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
