#include "app/cli.h"

int main(int argc, char** argv) { return ganglion::runGanglion(argc, argv); }
