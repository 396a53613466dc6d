#include "models/queue/assignor.hpp"

#include <algorithm>

namespace queue {

std::vector<int> range_owners(const std::vector<int>& members, int partitions) {
  std::vector<int> owner(static_cast<std::size_t>(partitions), -1);
  if (members.empty()) return owner;
  auto m = static_cast<int>(members.size());
  int p = 0;
  for (int i = 0; i < m; ++i) {
    int share = partitions / m + (i < partitions % m ? 1 : 0);
    for (int k = 0; k < share; ++k) owner[static_cast<std::size_t>(p++)] = members[static_cast<std::size_t>(i)];
  }
  return owner;
}

std::vector<int> sticky_owners(const std::vector<int>& members, const std::map<int, std::vector<int>>& owned,
                               int partitions) {
  std::vector<int> owner(static_cast<std::size_t>(partitions), -1);
  if (members.empty()) return owner;
  const auto share = static_cast<std::size_t>(partitions) / members.size();
  std::size_t extra = static_cast<std::size_t>(partitions) % members.size();  // members that may hold one more
  std::map<int, std::size_t> count;
  for (int m : members) {
    auto it = owned.find(m);
    std::vector<int> mine = it == owned.end() ? std::vector<int>{} : it->second;
    std::sort(mine.begin(), mine.end());
    std::size_t cap = share;
    if (mine.size() > share && extra > 0) ++cap, --extra;
    for (int p : mine) {
      if (count[m] == cap) break;
      if (p < 0 || p >= partitions || owner[static_cast<std::size_t>(p)] >= 0) continue;
      owner[static_cast<std::size_t>(p)] = m;
      ++count[m];
    }
  }
  std::vector<int> unassigned;
  for (int p = 0; p < partitions; ++p)
    if (owner[static_cast<std::size_t>(p)] < 0) unassigned.push_back(p);
  std::size_t next = 0;
  auto give = [&](int m) {
    owner[static_cast<std::size_t>(unassigned[next++])] = m;
    ++count[m];
  };
  for (int m : members)
    while (count[m] < share && next < unassigned.size()) give(m);
  for (int m : members)
    if (count[m] == share && extra > 0 && next < unassigned.size()) give(m), --extra;
  return owner;
}

CooperativeAssignment cooperative_owners(const std::vector<int>& members, const std::map<int, std::vector<int>>& owned,
                                         int partitions) {
  CooperativeAssignment a{sticky_owners(members, owned, partitions),
                          std::vector<int>(static_cast<std::size_t>(partitions), -1)};
  for (const auto& [member, mine] : owned)
    for (int p : mine) {
      if (p < 0 || p >= partitions || a.revoking[static_cast<std::size_t>(p)] >= 0) continue;
      int& target = a.owner[static_cast<std::size_t>(p)];
      if (target == member) continue;
      // Its owner still consumes it: nobody gets it until the owner has revoked it.
      a.revoking[static_cast<std::size_t>(p)] = member;
      target = -1;
    }
  return a;
}

}  // namespace queue
