// The two-phase ledger of design `ledger` (TigerBeetle's transfers, one at a time): its requests and
// answers, the transfer ids its callers derive from the payment, and the calls they make.
//
// A pending transfer reserves its amount in the debit account's debits_pending and the credit account's
// credits_pending; it is resolved at most once, by a post (at most its amount: the rest is released), a
// void, or its expiry `pending_timeout` after creation on the ledger's own time. A transfer id is
// idempotent: a second request with an id the ledger holds is answered `exists` (or
// `exists_with_different_fields`) and changes nothing, so a caller that lost an answer sends the same
// request again. Each id is derived from the payment (or refund) before the first send, never drawn anew.
//
// Determinism: the book is ordered maps and vectors in creation order; an expiry is a timer on the
// ledger's executor, armed again when the ledger restarts.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "models/payment/context.hpp"

namespace payment {

/// One create_transfers event to the ledger.
struct TransferRequest final : sim::MessageBody {
  enum class Kind { pending, post_pending, void_pending, single };
  Kind kind = Kind::pending;
  std::int64_t id = 0;
  std::int64_t pending_id = 0;  ///< post_pending, void_pending: the pending transfer
  std::string debit;            ///< pending, single
  std::string credit;           ///< pending, single
  std::int64_t amount = 0;      ///< pending, single: the amount; post_pending: at most the pending's (0: all of it)
  sim::Duration timeout = sim::Duration::zero();  ///< pending: expires this long after its creation
  std::int64_t payment_id = 0;                    ///< the simulation's bookkeeping: the payment it is for
  std::string describe() const override;
};

/// The ledger's answer: TigerBeetle's result name ("ok", "exists", "pending_transfer_already_voided", ...).
struct TransferReply final : sim::MessageBody {
  std::string result;
  std::string describe() const override { return result; }
};

// Transfer ids: the pending transfer's is the payment id (kept with the key's claim, so every retry sends
// the same); its post, its void and a refund's transfer live in ranges of their own.
constexpr std::int64_t post_offset = std::int64_t{1} << 40;
constexpr std::int64_t void_offset = std::int64_t{2} << 40;
constexpr std::int64_t refund_offset = std::int64_t{3} << 40;

/// The accounts: a hold reserves what the card network will owe (card_clearing, debited) against the sale
/// (sales, credited); a post makes it posted where the capture's event used to post it.
inline const char* clearing_account() { return "card_clearing"; }
inline const char* sales_account() { return "sales"; }

/// The payment's pending transfer (the hold in the books), its post and its void.
std::shared_ptr<TransferRequest> pending_of(const Context& context, std::int64_t payment_id, std::int64_t amount);
std::shared_ptr<TransferRequest> post_of(std::int64_t payment_id, std::int64_t amount);
std::shared_ptr<TransferRequest> void_of(std::int64_t payment_id);
/// A refund of the payment, posted at once: sales debited, card_clearing credited.
std::shared_ptr<TransferRequest> refund_transfer_of(std::int64_t refund_id, std::int64_t payment_id,
                                                    std::int64_t amount);

/// Whether `result` leaves the request done: created now or before (`exists`), or, for a post or a void,
/// the pending already resolved that way (a void also when it expired or never existed: nothing is held).
bool settled_by(const TransferRequest& request, const std::string& result);

/// Sends one transfer to the ledger and waits up to ledger_timeout: its result, or none when the request
/// or its answer was lost or late (then the caller sends the same request again).
sim::Task<std::optional<std::string>> ask_ledger(Context& context, sim::Executor ex,
                                                 std::shared_ptr<TransferRequest> request);

class TwoPhaseBook;
/// Waits `wait` on the ledger, then expires pending transfer `index` if it is still open.
sim::Task<void> expire_after(TwoPhaseBook* book, std::size_t index, sim::Duration wait);

/// The ledger's two-phase book, durable across its restarts (two_phase.cpp): `serve` answers a request,
/// `boot` arms the expiry of every open pending transfer again.
class TwoPhaseBook {
public:
  explicit TwoPhaseBook(std::shared_ptr<Context> context) : context_(std::move(context)) {}
  std::shared_ptr<TransferReply> serve(const TransferRequest& request);
  void boot();
  /// Expires pending transfer `index` (in observations.pending_transfers) if it is open and past its timeout.
  void expire(std::size_t index);

private:
  struct Stored {
    TransferRequest::Kind kind;
    std::int64_t pending_id = 0;
    std::int64_t amount = 0;
    std::string debit;
    std::string credit;
  };
  std::string create(const TransferRequest& request);
  std::string resolve(const TransferRequest& request);
  void post(const std::string& debit, const std::string& credit, std::int64_t id, std::int64_t payment_id,
            std::int64_t amount);
  void release(PendingTransfer& pending, const char* how, std::int64_t transfer_id, std::int64_t posted);
  void arm(std::size_t index);

  std::shared_ptr<Context> context_;
  std::map<std::int64_t, Stored> stored_;          ///< every transfer created, by id
  std::map<std::int64_t, std::size_t> pending_at_;  ///< pending id -> index in observations.pending_transfers
};

}  // namespace payment
