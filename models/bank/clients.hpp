// The bank's clients, each a coroutine on its own node:
//   client-N  transfers money between two accounts drawn at random, in a loop
//   reader-N  reads the total of every balance, in a loop
//   doctor-N  at the shift change, leaves call if another doctor of its ward is still on call
// Each records what it saw in the context's history; none judges it.
#pragma once

#include <memory>

#include "models/bank/context.hpp"

namespace bank {

void boot_transfer_client(const std::shared_ptr<Context>& context, sim::NodeId node, int index);
void boot_reader(const std::shared_ptr<Context>& context, sim::NodeId node, int index);
void boot_doctor(const std::shared_ptr<Context>& context, sim::NodeId node, int index);

}  // namespace bank
