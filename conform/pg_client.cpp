#include "conform/pg_client.hpp"

#include <libpq-fe.h>
#include <poll.h>

namespace conform {

namespace {

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += (c == '\'' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "'";
}

// Folds one PGresult into `into`: an error's SQLSTATE, or the rows of a result set.
void absorb(PGresult* result, PgResult& into) {
  ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    into.sqlstate = state ? state : "?????";
    into.message = message ? message : "";
    into.rows.clear();
    return;
  }
  if (status != PGRES_TUPLES_OK) return;
  for (int r = 0; r < PQntuples(result); ++r) {
    std::string row = "(";
    for (int c = 0; c < PQnfields(result); ++c)
      row += (c ? "," : "") + std::string(PQgetisnull(result, r, c) ? "" : PQgetvalue(result, r, c));
    into.rows.push_back(row + ")");
  }
}

}  // namespace

PgConnection::PgConnection(const Endpoint& endpoint, const PgLogin& login) {
  std::string info = "host=" + quoted(endpoint.host) + " port=" + std::to_string(endpoint.port) +
                     " user=" + quoted(login.user) + " dbname=" + quoted(login.database) +
                     " connect_timeout=5 application_name=designsim-conform";
  conn_ = PQconnectdb(info.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn_);
    for (char& c : why)
      if (c == '\n' || c == '\t') c = ' ';  // libpq's hint goes on a line of its own: one line here
    while (!why.empty() && why.back() == ' ') why.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw PgConnectError(why);
  }
  // NOTICEs (DROP TABLE IF EXISTS's) are not ours to print; lock-wait reports are read.
  PQsetNoticeReceiver(
      conn_,
      [](void* self, const PGresult* notice) {
        const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
        const char* message = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
        static_cast<PgConnection*>(self)->take_notice(severity ? severity : "", message ? message : "");
      },
      this);
}

// proc.c's ProcSleep: "process N still waiting for <lock> after T ms" once the deadlock check has
// run; "acquired", "failed to acquire" or "detected deadlock" when the wait so reported ends
// ("avoided deadlock by rearranging queue" is followed by one of these).
void PgConnection::take_notice(const std::string& severity, const std::string& message) {
  if (severity != "LOG" || message.rfind("process ", 0) != 0) return;
  std::size_t after = message.rfind(" after ");
  if (after == std::string::npos) return;
  static const std::string waiting = " still waiting for ";
  if (std::size_t at = message.find(waiting); at != std::string::npos && at < after) {
    checked_wait_ = message.substr(at + waiting.size(), after - at - waiting.size());
    ++lock_wait_reports_;
    return;
  }
  for (const char* ended : {" acquired ", " failed to acquire ", " detected deadlock while waiting for "})
    if (message.find(ended) != std::string::npos) {
      checked_wait_.clear();
      ++lock_wait_reports_;
      return;
    }
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

int PgConnection::backend_pid() const { return PQbackendPID(conn_); }

PgResult PgConnection::run(const std::string& sql) {
  send(sql);
  for (;;) {
    if (std::optional<PgResult> done = poll()) return *done;
    wait_readable(1000);
  }
}

void PgConnection::send(const std::string& sql) {
  if (!PQsendQuery(conn_, sql.c_str())) throw PgConnectError(PQerrorMessage(conn_));
  busy_ = true;
  pending_ = PgResult{};
  checked_wait_.clear();
}

std::optional<PgResult> PgConnection::poll() {
  if (!busy_) return std::nullopt;
  if (!PQconsumeInput(conn_)) throw PgConnectError(PQerrorMessage(conn_));
  while (!PQisBusy(conn_)) {
    PGresult* result = PQgetResult(conn_);
    if (!result) {
      busy_ = false;
      return pending_;
    }
    absorb(result, pending_);
    PQclear(result);
  }
  return std::nullopt;
}

void PgConnection::wait_readable(int ms) const {
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  ::poll(&fd, 1, ms);
}

void PgConnection::wait_readable(const std::vector<const PgConnection*>& connections, int ms) {
  std::vector<pollfd> fds;
  for (const PgConnection* c : connections) fds.push_back(pollfd{PQsocket(c->conn_), POLLIN, 0});
  ::poll(fds.data(), fds.size(), ms);
}

bool PgConnection::in_transaction() const {
  PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

void PgConnection::cancel() {
  PGcancel* handle = PQgetCancel(conn_);
  if (!handle) return;
  char error[256];
  PQcancel(handle, error, sizeof error);
  PQfreeCancel(handle);
}

}  // namespace conform
