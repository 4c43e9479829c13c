// Workers, the worker protocol and the replayer, held to the real core's rules.
//
// Tasks are scripted: the Test rpc "EnqueueTask" queues a WorkflowActivation (with a run_id) or an
// ActivityTask (with a task_token) on a task queue, and a poll of that kind on any worker of that
// queue hands it out. Like the real core:
//   - worker options are validated as WorkerOptions -> WorkerConfig and init_worker do, with the
//     same messages ("Invalid options: ...", "Worker start failed: ..."), and a worker registers
//     with its connection, which refuses a second worker with overlapping task types on the same
//     namespace and task queue until the first one initiates shutdown;
//   - a run has at most one outstanding activation; completions are decoded and validated (status,
//     result, command variants); a completion for a run or task token the worker does not track
//     succeeds with the core's ERROR / WARN log line;
//   - runs are evicted (RemoveFromCache activations) when lang asks, when an activation failed,
//     when a workflow finished, when a new run needs room in a full cache (least recently used
//     first; the new run waits), and after every activation with max_cached_workflows 0; runs
//     merely sitting in the cache are not evicted at shutdown;
//   - after initiate_shutdown no new task is handed out; the workflow poller answers NULL/NULL once
//     no run has an outstanding activation or a pending eviction; after the graceful shutdown
//     period every outstanding activity gets a WORKER_SHUTDOWN cancel task, and the activity
//     poller answers NULL/NULL only once every activity task handed out was completed (one never
//     completed keeps it waiting); with local activities it also waits for the workflow poller;
//   - replay pushes return at once and reach the replay worker later, in push order, one history
//     at a time (each evicted after its activation); freeing the pusher ends the stream after what
//     was pushed, and the replay worker then shuts its poller down by itself.
// finalize_shutdown fails while any operation is in flight, and any call after finalize aborts the
// process, as the real core does.
#include <cmath>
#include <deque>
#include <mutex>
#include <set>
#include <sstream>
#include <vector>

#include "fake_core.h"
#include "protobuf.h"

namespace fake {
void ConnectionRetain(TemporalCoreConnection* connection);
void ConnectionRelease(TemporalCoreConnection* connection);
TemporalCoreRuntime* ConnectionRuntime(TemporalCoreConnection* connection);
void CheckConnection(const TemporalCoreConnection* connection, const char* call);
}  // namespace fake

namespace {

enum Kind { kWorkflow = 0, kActivity = 1 };

// RemoveFromCache.EvictionReason values.
enum EvictionReason { kCacheFull = 1, kLangFail = 4, kLangRequested = 5, kWorkflowExecutionEnding = 10 };

struct Poll {
  TemporalCoreWorker* worker;
  void* user_data;
  TemporalCoreWorkerPollCallback callback;
};

// Shared by every worker polling one task queue name, like a server's task queue.
struct TaskQueue {
  std::mutex mutex;
  std::deque<std::string> tasks[2];
  std::vector<Poll> waiting[2];
};

std::mutex g_queues_mutex;
std::map<std::string, std::shared_ptr<TaskQueue>>* g_queues = new std::map<std::string, std::shared_ptr<TaskQueue>>();

std::shared_ptr<TaskQueue> QueueFor(const std::string& name) {
  std::lock_guard<std::mutex> lock(g_queues_mutex);
  auto& queue = (*g_queues)[name];
  if (!queue) queue = std::make_shared<TaskQueue>();
  return queue;
}

std::chrono::milliseconds WorkerDelay() { return std::chrono::milliseconds(fake::counters().worker_delay_ms.load()); }

enum class Outstanding { kNone, kWork, kEviction };

// A run in a worker's cache.
struct Run {
  Outstanding outstanding = Outstanding::kNone;
  bool evict_pending = false;
  std::string evict_message;
  int evict_reason = 0;
  uint64_t history_length = 0;
  uint64_t used = 0;  // recency, for the cache's least-recently-used eviction
};

// A pushed history, as the replay worker will see it.
struct ReplayHistory {
  std::string workflow_id, run_id, workflow_type, first_run_id;
  uint64_t events = 0, attempt = 0;
  bool has_started = false;  // its first event is WorkflowExecutionStarted
};

}  // namespace

struct TemporalCoreWorker {
  uint32_t magic = fake::kLiveMagic;
  uint64_t id = 0;  // in the live-worker registry, which delayed tasks look workers up in
  TemporalCoreRuntime* runtime = nullptr;
  TemporalCoreConnection* connection = nullptr;  // NULL for a replay worker
  std::string namespace_, task_queue, identity, build_id, key;
  TemporalCoreWorkerTaskTypes types{};
  uint32_t max_cached_workflows = 0;
  uint64_t graceful_shutdown_ms = 0;
  bool replay = false;
  std::shared_ptr<TaskQueue> queue;
  std::atomic<int> ops_in_flight{0};
  std::atomic<bool> finalized{false};

  // Guarded by queue->mutex.
  bool shutdown = false;
  bool registered = false;
  bool workflows_shut_down = false;  // a workflow poll answered NULL/NULL
  std::map<std::string, Run> runs;
  uint64_t lru_clock = 0;
  std::set<std::string> activity_tokens;  // handed out, not completed
  std::deque<std::string> activity_cancels;
  std::deque<ReplayHistory> replay_in_transit, replay_stream;
  bool pusher_freed = false;
  std::string replay_active_run;
  bool replay_active = false;

  void Guard(const char* call) {
    if (magic != fake::kLiveMagic) fake::Die(std::string(call) + " on a freed worker");
    // The real core unwraps a taken worker here and panics across the C boundary.
    if (finalized) fake::Die(std::string(call) + " after finalize_shutdown: the real core aborts here");
  }

  void OpStarted() {
    ops_in_flight++;
    fake::counters().worker_ops_in_flight++;
  }
  // Called before the callback: once the caller hears back it may free the worker.
  void OpFinished() {
    ops_in_flight--;
    fake::counters().worker_ops_in_flight--;
  }

  bool polls_activities() const { return types.enable_remote_activities || types.enable_local_activities; }

  bool replay_stream_ended() const { return pusher_freed && replay_in_transit.empty() && replay_stream.empty(); }

  bool workflow_work_pending() const {
    for (auto& entry : runs) {
      if (entry.second.outstanding != Outstanding::kNone || entry.second.evict_pending) return true;
    }
    return false;
  }

  // NULL/NULL: the poller of this kind has shut down.
  void AnswerShutDown(const Poll& poll) {
    fake::Schedule(WorkerDelay(), [poll] {
      poll.worker->OpFinished();
      poll.callback(poll.user_data, nullptr, nullptr);
    });
  }

  void AnswerBytes(const Poll& poll, const std::string& bytes) {
    std::string copy = bytes;
    fake::Schedule(WorkerDelay(), [poll, copy] {
      poll.worker->OpFinished();
      poll.callback(poll.user_data, fake::NewBytes(copy), nullptr);
    });
  }

  void RequestEviction(const std::string& run_id, const std::string& message, int reason) {
    auto found = runs.find(run_id);
    if (found == runs.end()) return;  // the real core: "Eviction requested for unknown run" (debug)
    Run& run = found->second;
    if (run.outstanding == Outstanding::kEviction || run.evict_pending) return;
    run.evict_pending = true;
    run.evict_message = message;
    run.evict_reason = reason;
  }

  // Asks for a "Workflow cache full" eviction of the least recently used run, unless an eviction
  // is already under way. True when one was asked for.
  bool EvictLeastRecentlyUsed() {
    const std::string* oldest = nullptr;
    uint64_t oldest_used = 0;
    for (auto& entry : runs) {
      if (entry.second.evict_pending || entry.second.outstanding == Outstanding::kEviction) return false;
      if (oldest == nullptr || entry.second.used < oldest_used) {
        oldest = &entry.first;
        oldest_used = entry.second.used;
      }
    }
    if (oldest == nullptr) return false;
    RequestEviction(*oldest, "Workflow cache full", kCacheFull);
    return true;
  }

  static std::string EvictionActivation(const std::string& run_id, const Run& run) {
    fake::pb::Writer remove;
    remove.Bytes(1, run.evict_message).Varint(2, static_cast<uint64_t>(run.evict_reason));
    fake::pb::Writer job;
    job.Message(50, remove);
    fake::pb::Writer activation;
    activation.Bytes(1, run_id).Varint(4, run.history_length).Message(5, job);
    return activation.str();
  }

  static std::string ReplayActivation(const ReplayHistory& history) {
    fake::pb::Writer init;
    init.Bytes(1, history.workflow_type).Bytes(2, history.workflow_id);
    init.Varint(4, std::hash<std::string>{}(history.run_id) | 1);  // randomness_seed
    if (!history.first_run_id.empty()) init.Bytes(15, history.first_run_id);
    if (history.attempt != 0) init.Varint(17, history.attempt);
    if (!history.run_id.empty()) init.Bytes(26, history.run_id);
    fake::pb::Writer job;
    job.Message(1, init);
    fake::pb::Writer activation;
    activation.Bytes(1, history.run_id).Varint(4, history.events).Message(5, job);
    return activation.str();
  }

  // Under queue->mutex: answers one workflow poll if there is an activation for it or the poller
  // is done.
  bool TryAnswerWorkflow(const Poll& poll) {
    if (!types.enable_workflows) {
      // The real core answers ShutDown at once, and starts shutting the whole worker down.
      BeginShutdownLocked();
      Wake(kActivity);
      AnswerShutDown(poll);
      return true;
    }
    for (auto& entry : runs) {
      Run& run = entry.second;
      if (run.evict_pending && run.outstanding == Outstanding::kNone) {
        run.evict_pending = false;
        run.outstanding = Outstanding::kEviction;
        AnswerBytes(poll, EvictionActivation(entry.first, run));
        return true;
      }
    }
    if (replay) {
      if (!shutdown && !replay_active && !replay_stream.empty()) {
        ReplayHistory history = std::move(replay_stream.front());
        replay_stream.pop_front();
        if (!history.has_started) {
          fake::Die("a replayed history for workflow " + history.workflow_id +
                    " has no WorkflowExecutionStarted event: the real core panics here and the replay poll hangs");
        }
        Run& run = runs[history.run_id];
        run.outstanding = Outstanding::kWork;
        run.history_length = history.events;
        replay_active = true;
        replay_active_run = history.run_id;
        AnswerBytes(poll, ReplayActivation(history));
        return true;
      }
      if (!shutdown && replay_stream_ended() && !replay_active) {
        // The history stream ended: the replay worker closes itself.
        BeginShutdownLocked();
      }
    } else if (!shutdown) {
      auto& tasks = queue->tasks[kWorkflow];
      for (auto it = tasks.begin(); it != tasks.end(); ++it) {
        fake::pb::Decoded activation;
        std::string ignored;
        fake::pb::Decode(*it, fake::specs::kWorkflowActivation, &activation, &ignored);  // checked on enqueue
        std::string run_id = activation.Str(1);
        auto found = runs.find(run_id);
        if (found != runs.end() && (found->second.outstanding != Outstanding::kNone || found->second.evict_pending)) {
          continue;  // one outstanding activation per run; later work waits for it
        }
        // The cache holds max_cached_workflows runs (one when 0): a new run waits for the least
        // recently used one to be evicted.
        size_t capacity = max_cached_workflows > 0 ? max_cached_workflows : 1;
        if (found == runs.end() && runs.size() >= capacity) {
          if (EvictLeastRecentlyUsed()) return TryAnswerWorkflow(poll);
          continue;
        }
        Run& run = runs[run_id];
        run.outstanding = Outstanding::kWork;
        run.used = ++lru_clock;
        if (const fake::pb::Value* length = activation.Get(4)) run.history_length = length->varint;
        std::string bytes = std::move(*it);
        tasks.erase(it);
        AnswerBytes(poll, bytes);
        return true;
      }
    }
    if (shutdown && !workflow_work_pending()) {
      workflows_shut_down = true;
      AnswerShutDown(poll);
      if (types.enable_local_activities) Wake(kActivity);
      return true;
    }
    return false;
  }

  bool ActivitiesDrained() const {
    return activity_tokens.empty() && activity_cancels.empty() &&
           (!types.enable_local_activities || workflows_shut_down);
  }

  bool TryAnswerActivity(const Poll& poll) {
    if (!polls_activities()) {
      AnswerShutDown(poll);
      return true;
    }
    while (!activity_cancels.empty()) {
      std::string token = std::move(activity_cancels.front());
      activity_cancels.pop_front();
      if (activity_tokens.count(token) == 0) continue;  // completed meanwhile
      fake::pb::Writer details;
      details.Varint(5, 1);  // is_worker_shutdown
      fake::pb::Writer cancel;
      cancel.Varint(1, 3).Message(2, details);  // reason WORKER_SHUTDOWN
      fake::pb::Writer task;
      task.Bytes(1, token).Message(4, cancel);
      AnswerBytes(poll, task.str());
      return true;
    }
    auto& tasks = queue->tasks[kActivity];
    if (!shutdown && types.enable_remote_activities && !tasks.empty()) {
      std::string bytes = std::move(tasks.front());
      tasks.pop_front();
      fake::pb::Decoded task;
      std::string ignored;
      fake::pb::Decode(bytes, fake::specs::kActivityTask, &task, &ignored);  // checked on enqueue
      activity_tokens.insert(task.Str(1));
      AnswerBytes(poll, bytes);
      return true;
    }
    if (shutdown && ActivitiesDrained()) {
      AnswerShutDown(poll);
      return true;
    }
    return false;
  }

  bool TryAnswer(Kind kind, const Poll& poll) {
    return kind == kWorkflow ? TryAnswerWorkflow(poll) : TryAnswerActivity(poll);
  }

  // Under queue->mutex: re-examines every waiting poll of this worker.
  void Wake(Kind kind) {
    auto& waiting = queue->waiting[kind];
    for (size_t i = 0; i < waiting.size();) {
      if (waiting[i].worker == this && TryAnswer(kind, waiting[i])) {
        waiting.erase(waiting.begin() + static_cast<long>(i));
      } else {
        i++;
      }
    }
  }

  // Under queue->mutex. Begin: the state change only, safe inside TryAnswer (which Wake calls);
  // Initiate: also re-examines the waiting polls.
  void BeginShutdownLocked();
  void InitiateShutdownLocked() {
    BeginShutdownLocked();
    Wake(kWorkflow);
    Wake(kActivity);
  }
};

struct TemporalCoreWorkerReplayPusher {
  uint32_t magic = fake::kLiveMagic;
  uint64_t worker_id;  // the worker may be freed first: looked up, never dereferenced
};

namespace {

// Live workers by id, for delayed tasks (grace period, replay relay) that may outlive a worker.
std::mutex g_live_mutex;
std::map<uint64_t, TemporalCoreWorker*>* g_live = new std::map<uint64_t, TemporalCoreWorker*>();
uint64_t g_next_worker_id = 1;

void TrackWorker(TemporalCoreWorker* worker) {
  std::lock_guard<std::mutex> lock(g_live_mutex);
  worker->id = g_next_worker_id++;
  (*g_live)[worker->id] = worker;
}

void UntrackWorker(TemporalCoreWorker* worker) {
  std::lock_guard<std::mutex> lock(g_live_mutex);
  g_live->erase(worker->id);
}

// Runs `fn` on the worker under its queue's lock, if the worker still exists.
void WithLiveWorker(uint64_t id, const std::function<void(TemporalCoreWorker*)>& fn) {
  std::lock_guard<std::mutex> lock(g_live_mutex);
  auto found = g_live->find(id);
  if (found == g_live->end()) return;
  TemporalCoreWorker* worker = found->second;
  std::lock_guard<std::mutex> queue_lock(worker->queue->mutex);
  fn(worker);
}

}  // namespace

void TemporalCoreWorker::BeginShutdownLocked() {
  if (shutdown) return;
  shutdown = true;
  runtime->Log(TemporalCoreForwardedLogLevel_Info, "Initiated shutdown",
               "{\"task_queue\":\"" + fake::JsonEscape(task_queue) + "\",\"namespace\":\"" +
                   fake::JsonEscape(namespace_) + "\"}");
  // The core unregisters the worker's slot provider first thing: a new worker may now register.
  if (registered) {
    fake::UnregisterWorker(connection, key);
    registered = false;
  }
  if (types.enable_remote_activities) {
    uint64_t worker_id = id;
    fake::Schedule(std::chrono::milliseconds(graceful_shutdown_ms), [worker_id] {
      WithLiveWorker(worker_id, [](TemporalCoreWorker* worker) {
        for (const std::string& token : worker->activity_tokens) worker->activity_cancels.push_back(token);
        worker->Wake(kActivity);
      });
    });
  }
}

namespace fake {

std::string EnqueueTask(const std::string& task_queue, const std::string& kind_name, const std::string& bytes) {
  Kind kind = kind_name == "activity" ? kActivity : kWorkflow;
  pb::Decoded task;
  std::string error;
  if (kind == kWorkflow) {
    if (!pb::Decode(bytes, specs::kWorkflowActivation, &task, &error)) return "not a WorkflowActivation: " + error;
    if (task.Str(1).empty()) return "a WorkflowActivation needs a run_id";
  } else {
    if (!pb::Decode(bytes, specs::kActivityTask, &task, &error)) return "not an ActivityTask: " + error;
    if (task.Str(1).empty()) return "an ActivityTask needs a task_token";
  }
  std::shared_ptr<TaskQueue> queue = QueueFor(task_queue);
  std::lock_guard<std::mutex> lock(queue->mutex);
  queue->tasks[kind].push_back(bytes);
  // Offer it to the waiting polls, whichever worker they belong to; the first that can take it does.
  auto& waiting = queue->waiting[kind];
  for (size_t i = 0; i < waiting.size();) {
    Poll poll = waiting[i];
    if (poll.worker->TryAnswer(kind, poll)) {
      waiting.erase(waiting.begin() + static_cast<long>(i));
    } else {
      i++;
    }
  }
  return "";
}

std::string WorkersJson(const std::string& task_queue) {
  std::ostringstream out;
  out << "[";
  bool first = true;
  std::lock_guard<std::mutex> lock(g_live_mutex);
  for (auto& entry : *g_live) {
    TemporalCoreWorker* worker = entry.second;
    if (worker->task_queue != task_queue) continue;
    std::lock_guard<std::mutex> queue_lock(worker->queue->mutex);
    out << (first ? "" : ",") << "{\"namespace\":\"" << JsonEscape(worker->namespace_) << "\",\"taskQueue\":\""
        << JsonEscape(worker->task_queue) << "\",\"identity\":\"" << JsonEscape(worker->identity)
        << "\",\"buildId\":\"" << JsonEscape(worker->build_id) << "\",\"registered\":"
        << (worker->registered ? "true" : "false") << ",\"shutdown\":" << (worker->shutdown ? "true" : "false")
        << ",\"cachedRuns\":[";
    bool first_run = true;
    for (auto& run : worker->runs) {
      out << (first_run ? "" : ",") << "\"" << JsonEscape(run.first) << "\"";
      first_run = false;
    }
    out << "],\"outstandingActivities\":" << worker->activity_tokens.size() << ",\"replay\":"
        << (worker->replay ? "true" : "false") << ",\"historiesInTransit\":" << worker->replay_in_transit.size()
        << ",\"historiesInStream\":" << worker->replay_stream.size() << "}";
    first = false;
  }
  out << "]";
  return out.str();
}

}  // namespace fake

namespace {

// WorkerOptions -> WorkerConfig (worker.rs TryFrom and WorkerConfigBuilder::build in
// sdk-core/src/worker/mod.rs), in the real core's order. "" when valid.
std::string ConfigError(const TemporalCoreWorkerOptions* options) {
  if (options->versioning_strategy.tag != TemporalCoreWorkerVersioningStrategy_None) {
    return "fake core: only versioning strategy None is supported";
  }
  const TemporalCorePollerBehavior* behaviors[3] = {&options->workflow_task_poller_behavior,
                                                     &options->activity_task_poller_behavior,
                                                     &options->nexus_task_poller_behavior};
  for (const TemporalCorePollerBehavior* behavior : behaviors) {
    if (behavior->simple_maximum != nullptr && behavior->autoscaling != nullptr) {
      return "simple_maximum and autoscaling cannot both be non-null values";
    }
  }
  const TemporalCoreWorkerTaskTypes& types = options->task_types;
  if (!types.enable_workflows && !types.enable_local_activities && !types.enable_remote_activities &&
      !types.enable_nexus) {
    return "At least one task type must be enabled in `task_types`";
  }
  if (!types.enable_workflows && types.enable_local_activities) {
    return "`task_types` cannot enable local activities without workflows";
  }
  for (const TemporalCorePollerBehavior* behavior : behaviors) {
    if (behavior->simple_maximum != nullptr && behavior->simple_maximum->simple_maximum < 1) {
      return "SimpleMaximum poller behavior must be at least 1";
    }
    if (const TemporalCorePollerBehaviorAutoscaling* a = behavior->autoscaling) {
      if (a->minimum < 1) return "Autoscaling minimum poller behavior must be at least 1";
      if (a->maximum < a->minimum) return "Autoscaling maximum must be greater than or equal to minimum";
      if (a->initial < a->minimum || a->initial > a->maximum) {
        return "Autoscaling initial must be between minimum and maximum";
      }
    }
  }
  double per_second = options->max_activities_per_second;  // 0 means unset
  if (per_second != 0.0 && (!std::isnormal(per_second) || std::signbit(per_second))) {
    return "`max_worker_activities_per_second` must be positive and nonzero";
  }
  const TemporalCorePollerBehaviorSimpleMaximum* workflow_pollers =
      options->workflow_task_poller_behavior.simple_maximum;
  if (options->max_cached_workflows > 0 && workflow_pollers != nullptr && workflow_pollers->simple_maximum < 2) {
    return "`max_cached_workflows` > 0 requires `workflow_task_poller_behavior` to be at least 2";
  }
  return "";
}

// Reads every string of the options (a NULL ByteArrayRef aborts, see Str) and validates them.
const TemporalCoreByteArray* ReadOptions(const TemporalCoreWorkerOptions* options, TemporalCoreWorker* worker) {
  worker->namespace_ = fake::Str(options->namespace_, "worker namespace");
  worker->task_queue = fake::Str(options->task_queue, "worker task_queue");
  worker->identity = fake::Str(options->identity_override, "worker identity_override");
  if (options->versioning_strategy.tag == TemporalCoreWorkerVersioningStrategy_None) {
    worker->build_id = fake::Str(options->versioning_strategy.none.build_id, "worker build_id");
  }
  if (options->nondeterminism_as_workflow_fail_for_types.data == nullptr || options->plugins.data == nullptr ||
      options->storage_drivers.data == nullptr) {
    fake::Die("worker options with a NULL ByteArrayRefArray");
  }
  std::string error = ConfigError(options);
  if (!error.empty()) {
    return fake::NewBytes(error.rfind("fake core:", 0) == 0 ? error : "Invalid options: " + error);
  }
  worker->types = options->task_types;
  worker->max_cached_workflows = options->max_cached_workflows;
  worker->graceful_shutdown_ms = options->graceful_shutdown_period_millis;
  return nullptr;
}

void StartPoll(TemporalCoreWorker* worker, Kind kind, void* user_data, TemporalCoreWorkerPollCallback callback) {
  worker->Guard(kind == kWorkflow ? "worker_poll_workflow_activation" : "worker_poll_activity_task");
  worker->OpStarted();
  std::lock_guard<std::mutex> lock(worker->queue->mutex);
  Poll poll{worker, user_data, callback};
  if (!worker->TryAnswer(kind, poll)) worker->queue->waiting[kind].push_back(poll);
}

void Finish(TemporalCoreWorker* worker, void* user_data, TemporalCoreWorkerCallback callback, std::string fail) {
  fake::Schedule(WorkerDelay(), [worker, user_data, callback, fail] {
    worker->OpFinished();
    callback(user_data, fail.empty() ? nullptr : fake::NewBytes(fail));
  });
}

// Debug-ish rendering of a completion for the core's "Run missing during completion" line.
std::string CompletionDebug(const std::string& run_id, bool failed) {
  return std::string("New(WFActCompleteMsg { completion: ") + (failed ? "Fail" : "Success") +
         " { run_id: " + fake::RustDebugString(run_id) + ", .. }, .. })";
}

// Workflow::activation_completed: validate_completion, then the run's state.
std::string CompleteWorkflow(TemporalCoreWorker* worker, const fake::pb::Decoded& completion) {
  if (!worker->types.enable_workflows) return "Workflow completion failure: Workflows are not enabled on this worker";
  std::string run_id = completion.Str(1);
  const fake::pb::Value* status = completion.OneOf("status");
  auto malformed = [&](const std::string& reason) {
    return "Workflow completion failure: Lang SDK sent us a malformed workflow completion for run (" + run_id +
           "): " + reason;
  };
  if (status == nullptr) return malformed("Workflow completion had empty status field");
  bool failed = status->spec->number == 3;
  bool finishes = false;
  size_t commands = 0;
  if (!failed) {
    for (const fake::pb::Value* command : status->message->All(1)) {
      commands++;
      const fake::pb::Value* variant = command->message->OneOf("variant");
      if (variant == nullptr) {
        return malformed("At least one workflow command in the completion contained an empty variant");
      }
      // complete, fail, continue-as-new, cancel: the workflow is done once the server has it.
      uint32_t n = variant->spec->number;
      if (n >= 6 && n <= 9) finishes = true;
    }
  }
  std::lock_guard<std::mutex> lock(worker->queue->mutex);
  auto found = worker->runs.find(run_id);
  if (found == worker->runs.end()) {
    worker->runtime->Log(TemporalCoreForwardedLogLevel_Error,
                         "Run missing during completion " + CompletionDebug(run_id, failed), "{}");
    if (failed || commands > 0) {
      worker->runtime->Log(TemporalCoreForwardedLogLevel_Error,
                           "Send half of activation complete response channel went missing", "{}");
    }
    return "";
  }
  Run& run = found->second;
  switch (run.outstanding) {
    case Outstanding::kNone:
      worker->runtime->Log(TemporalCoreForwardedLogLevel_Error,
                           failed ? "No workflow task for run id " + run_id + " found when trying to fail activation"
                                  : "Attempted to complete activation for run " + run_id +
                                        " without associated workflow task",
                           "{}");
      return "";
    case Outstanding::kEviction:
      worker->runs.erase(found);
      if (worker->replay && worker->replay_active && worker->replay_active_run == run_id) {
        worker->replay_active = false;  // the next history may go
      }
      break;
    case Outstanding::kWork:
      run.outstanding = Outstanding::kNone;
      run.used = ++worker->lru_clock;
      if (failed) {
        worker->RequestEviction(run_id, "Workflow activation completion failed: Failure { .. }", kLangFail);
      } else if (finishes) {
        worker->RequestEviction(run_id, "Workflow completed", kWorkflowExecutionEnding);
      } else if (worker->replay) {
        worker->RequestEviction(run_id, "Always evict workflows after replay", kLangRequested);
      } else if (worker->max_cached_workflows == 0) {
        worker->RequestEviction(run_id, "Workflow cache full", kCacheFull);
      }
      break;
  }
  worker->Wake(kWorkflow);
  return "";
}

// Worker::complete_activity_task.
std::string CompleteActivity(TemporalCoreWorker* worker, const fake::pb::Decoded& completion) {
  auto malformed = [](const std::string& reason) {
    return "Activity completion failure: Lang SDK sent us a malformed activity completion (" + reason + "): None";
  };
  const fake::pb::Value* result = completion.Get(2);
  const fake::pb::Value* status = result == nullptr ? nullptr : result->message->OneOf("status");
  if (status == nullptr) return malformed("Activity completion had empty result/status field");
  if (status->spec->number == 1 && status->message->Get(1) == nullptr) {
    return malformed("Activity completions must contain a `result` payload (which may be empty)");
  }
  if (!worker->types.enable_remote_activities) {
    return "Activity completion failure: Activities are not enabled on this worker";
  }
  std::string token = completion.Str(1);
  std::lock_guard<std::mutex> lock(worker->queue->mutex);
  if (worker->activity_tokens.erase(token) == 0) {
    worker->runtime->Log(TemporalCoreForwardedLogLevel_Warn,
                         "Attempted to complete activity task " + fake::Base64(token) + " but we were not tracking it",
                         "{}");
    return "";
  }
  worker->Wake(kActivity);
  return "";
}

void Complete(TemporalCoreWorker* worker, Kind kind, TemporalCoreByteArrayRef completion, void* user_data,
              TemporalCoreWorkerCallback callback) {
  worker->Guard(kind == kWorkflow ? "worker_complete_workflow_activation" : "worker_complete_activity_task");
  std::string bytes = fake::Str(completion, "completion");
  auto decoded = std::make_shared<fake::pb::Decoded>();
  std::string error;
  const fake::pb::MessageSpec& spec =
      kind == kWorkflow ? fake::specs::kWorkflowActivationCompletion : fake::specs::kActivityTaskCompletion;
  if (!fake::pb::Decode(bytes, spec, decoded.get(), &error)) {
    // The real core decodes synchronously and reports a decode failure before returning.
    callback(user_data, fake::NewBytes((kind == kWorkflow ? "Workflow task decode failure: "
                                                          : "Activity task decode failure: ") +
                                       error));
    return;
  }
  worker->OpStarted();
  fake::Schedule(WorkerDelay(), [worker, kind, decoded, user_data, callback] {
    std::string fail = kind == kWorkflow ? CompleteWorkflow(worker, *decoded) : CompleteActivity(worker, *decoded);
    worker->OpFinished();
    callback(user_data, fail.empty() ? nullptr : fake::NewBytes(fail));
  });
}

TemporalCoreWorker* NewWorker(TemporalCoreRuntime* runtime) {
  auto* worker = new TemporalCoreWorker();
  worker->runtime = runtime;
  return worker;
}

// What the replay worker needs from a pushed history (decoded as History, as the real core does).
const TemporalCoreByteArray* ReadHistory(const std::string& workflow_id, const std::string& bytes,
                                         ReplayHistory* out) {
  fake::pb::Decoded history;
  std::string error;
  if (!fake::pb::Decode(bytes, fake::specs::kHistory, &history, &error)) {
    return fake::NewBytes("Worker replay init failed: " + error);
  }
  out->workflow_id = workflow_id;
  std::vector<const fake::pb::Value*> events = history.All(1);
  out->events = events.size();
  if (!events.empty()) {
    const fake::pb::Value* started = events.front()->message->OneOf("attributes");
    if (started != nullptr && started->spec->number == 6) {
      const fake::pb::Decoded& attributes = *started->message;
      if (const fake::pb::Value* type = attributes.Get(1)) out->workflow_type = type->message->Str(1);
      out->run_id = attributes.Str(14);
      out->first_run_id = attributes.Str(16);
      if (const fake::pb::Value* attempt = attributes.Get(18)) out->attempt = attempt->varint;
      out->has_started = true;
    }
  }
  return nullptr;
}

}  // namespace

extern "C" {

TemporalCoreWorkerOrFail temporal_core_worker_new(TemporalCoreConnection* connection,
                                                  const TemporalCoreWorkerOptions* options) {
  fake::CheckConnection(connection, "worker_new");
  TemporalCoreRuntime* runtime = fake::ConnectionRuntime(connection);
  TemporalCoreWorker* worker = NewWorker(runtime);
  if (const TemporalCoreByteArray* fail = ReadOptions(options, worker)) {
    delete worker;
    return TemporalCoreWorkerOrFail{nullptr, fail};
  }
  // init_worker: namespace, identity (the override, else the connection's), then Worker::new,
  // which registers the worker with its connection.
  auto refuse = [&](const std::string& why) {
    delete worker;
    return TemporalCoreWorkerOrFail{nullptr, fake::NewBytes("Worker start failed: " + why)};
  };
  if (worker->namespace_.empty()) return refuse("Worker namespace cannot be empty");
  if (worker->identity.empty()) worker->identity = fake::ConnectionIdentity(connection);
  if (worker->identity.empty()) {
    return refuse("Client identity cannot be empty. Either lang or user should be setting this value");
  }
  worker->key = fake::NewUuid();
  std::string refused =
      fake::RegisterWorker(connection, fake::WorkerRegistration{worker->namespace_, worker->task_queue, worker->key,
                                                                worker->types});
  if (!refused.empty()) return refuse(refused);
  worker->registered = true;
  worker->connection = connection;
  fake::ConnectionRetain(connection);
  fake::RuntimeRetain(runtime);
  worker->queue = QueueFor(worker->task_queue);
  TrackWorker(worker);
  fake::counters().workers++;
  // Synchronous, on the caller's thread: the addon must not call into JS from here.
  runtime->Log(TemporalCoreForwardedLogLevel_Info, "Worker created",
               "{\"taskQueue\":\"" + fake::JsonEscape(worker->task_queue) + "\",\"namespace\":\"" +
                   fake::JsonEscape(worker->namespace_) + "\"}");
  return TemporalCoreWorkerOrFail{worker, nullptr};
}

void temporal_core_worker_free(TemporalCoreWorker* worker) {
  if (worker == nullptr || worker->magic != fake::kLiveMagic) fake::Die("worker_free on a freed worker");
  if (worker->ops_in_flight > 0) fake::Die("worker_free while worker operations are in flight");
  {
    std::lock_guard<std::mutex> lock(worker->queue->mutex);
    for (auto& waiting : worker->queue->waiting) {
      for (const Poll& poll : waiting) {
        if (poll.worker == worker) fake::Die("worker_free with a poll still waiting");
      }
    }
    // A worker freed without initiate_shutdown stays registered with its connection, as in the
    // real core (which only unregisters in initiate_shutdown / finalize).
  }
  UntrackWorker(worker);
  worker->magic = fake::kDeadMagic;
  fake::counters().workers--;
  TemporalCoreConnection* connection = worker->connection;
  TemporalCoreRuntime* runtime = worker->runtime;
  delete worker;
  if (connection != nullptr) fake::ConnectionRelease(connection);
  fake::RuntimeRelease(runtime);
}

void temporal_core_worker_validate(TemporalCoreWorker* worker, void* user_data, TemporalCoreWorkerCallback callback) {
  worker->Guard("worker_validate");
  worker->OpStarted();
  std::string fail;
  if (!worker->replay && worker->namespace_ == "missing-namespace") {
    fail = "Worker validation failed: Namespace " + worker->namespace_ +
           " was not found or otherwise could not be described: Status { code: NotFound, message: \"Namespace " +
           worker->namespace_ + " is not found.\" }";
  }
  Finish(worker, user_data, callback, fail);
}

void temporal_core_worker_poll_workflow_activation(TemporalCoreWorker* worker, void* user_data,
                                                   TemporalCoreWorkerPollCallback callback) {
  StartPoll(worker, kWorkflow, user_data, callback);
}

void temporal_core_worker_poll_activity_task(TemporalCoreWorker* worker, void* user_data,
                                             TemporalCoreWorkerPollCallback callback) {
  StartPoll(worker, kActivity, user_data, callback);
}

void temporal_core_worker_complete_workflow_activation(TemporalCoreWorker* worker, TemporalCoreByteArrayRef completion,
                                                       void* user_data, TemporalCoreWorkerCallback callback) {
  Complete(worker, kWorkflow, completion, user_data, callback);
}

void temporal_core_worker_complete_activity_task(TemporalCoreWorker* worker, TemporalCoreByteArrayRef completion,
                                                 void* user_data, TemporalCoreWorkerCallback callback) {
  Complete(worker, kActivity, completion, user_data, callback);
}

const TemporalCoreByteArray* temporal_core_worker_record_activity_heartbeat(TemporalCoreWorker* worker,
                                                                            TemporalCoreByteArrayRef heartbeat) {
  worker->Guard("worker_record_activity_heartbeat");
  std::string bytes = fake::Str(heartbeat, "heartbeat");
  fake::pb::Decoded decoded;
  std::string error;
  if (!fake::pb::Decode(bytes, fake::specs::kActivityHeartbeat, &decoded, &error)) {
    return fake::NewBytes("Activity heartbeat decode failure: " + error);
  }
  if (!worker->types.enable_remote_activities) return nullptr;  // no activity manager: ignored
  std::string token = decoded.Str(1);
  std::lock_guard<std::mutex> lock(worker->queue->mutex);
  if (worker->activity_tokens.count(token) == 0) {
    // The core swallows heartbeat errors with a warning.
    worker->runtime->Log(TemporalCoreForwardedLogLevel_Warn, "Activity heartbeat failed.",
                         "{\"details\":\"UnknownActivity\",\"task_token\":\"" + fake::Base64(token) + "\"}");
    return nullptr;
  }
  fake::counters().heartbeats++;
  return nullptr;
}

void temporal_core_worker_request_workflow_eviction(TemporalCoreWorker* worker, TemporalCoreByteArrayRef run_id) {
  worker->Guard("worker_request_workflow_eviction");
  std::string run = fake::Str(run_id, "run_id");
  if (!worker->types.enable_workflows) {
    fake::Die("request_workflow_eviction on a worker without workflows: the real core panics here (dbg_panic)");
  }
  fake::counters().evictions++;
  std::lock_guard<std::mutex> lock(worker->queue->mutex);
  worker->RequestEviction(run, "Eviction explicitly requested by lang", kLangRequested);
  worker->Wake(kWorkflow);
}

void temporal_core_worker_initiate_shutdown(TemporalCoreWorker* worker) {
  worker->Guard("worker_initiate_shutdown");
  std::lock_guard<std::mutex> lock(worker->queue->mutex);
  worker->InitiateShutdownLocked();
}

void temporal_core_worker_finalize_shutdown(TemporalCoreWorker* worker, void* user_data,
                                            TemporalCoreWorkerCallback callback) {
  worker->Guard("worker_finalize_shutdown");
  worker->finalized = true;
  // Like the real core, which takes the worker's last reference inside the task it spawns, not on
  // the caller's thread: an operation whose answer was already delivered has let go by then.
  fake::Schedule(WorkerDelay(), [worker, user_data, callback] {
    int in_flight = worker->ops_in_flight.load();
    if (in_flight == 0) {
      std::lock_guard<std::mutex> lock(worker->queue->mutex);
      if (worker->registered) {  // finalize_unregister
        fake::UnregisterWorker(worker->connection, worker->key);
        worker->registered = false;
      }
    }
    callback(user_data, in_flight == 0 ? nullptr
                                       : fake::NewBytes("Cannot finalize, expected 1 reference, got " +
                                                        std::to_string(in_flight + 1)));
  });
}

TemporalCoreWorkerReplayerOrFail temporal_core_worker_replayer_new(TemporalCoreRuntime* runtime,
                                                                   const TemporalCoreWorkerOptions* options) {
  fake::CheckRuntime(runtime, "worker_replayer_new");
  TemporalCoreWorker* worker = NewWorker(runtime);
  if (const TemporalCoreByteArray* fail = ReadOptions(options, worker)) {
    delete worker;
    return TemporalCoreWorkerReplayerOrFail{nullptr, nullptr, fail};
  }
  // ReplayWorkerInput::into_core_worker: one cached run, one poller, workflows only, no registry.
  worker->replay = true;
  worker->max_cached_workflows = 1;
  worker->types = TemporalCoreWorkerTaskTypes{true, false, false, false};
  fake::RuntimeRetain(runtime);
  // A private queue: replayed histories never mix with scripted tasks.
  worker->queue = std::make_shared<TaskQueue>();
  TrackWorker(worker);
  fake::counters().workers++;
  fake::counters().pushers++;
  auto* pusher = new TemporalCoreWorkerReplayPusher{fake::kLiveMagic, worker->id};
  return TemporalCoreWorkerReplayerOrFail{worker, pusher, nullptr};
}

void temporal_core_worker_replay_pusher_free(TemporalCoreWorkerReplayPusher* pusher) {
  if (pusher == nullptr || pusher->magic != fake::kLiveMagic) fake::Die("worker_replay_pusher_free on a freed pusher");
  // The stream ends once what was pushed has reached it. The worker may be freed already (the
  // pusher outlives it when lang frees them in that order): then there is nothing to end.
  WithLiveWorker(pusher->worker_id, [](TemporalCoreWorker* worker) {
    worker->pusher_freed = true;
    worker->Wake(kWorkflow);
  });
  pusher->magic = fake::kDeadMagic;
  fake::counters().pushers--;
  delete pusher;
}

TemporalCoreWorkerReplayPushResult temporal_core_worker_replay_push(TemporalCoreWorker* worker,
                                                                    TemporalCoreWorkerReplayPusher* pusher,
                                                                    TemporalCoreByteArrayRef workflow_id,
                                                                    TemporalCoreByteArrayRef history) {
  worker->Guard("worker_replay_push");
  if (pusher == nullptr || pusher->magic != fake::kLiveMagic) fake::Die("worker_replay_push with a freed pusher");
  if (pusher->worker_id != worker->id) fake::Die("worker_replay_push with another replay worker's pusher");
  std::string id = fake::Str(workflow_id, "workflow_id");
  std::string bytes = fake::Str(history, "history");
  ReplayHistory decoded;
  if (const TemporalCoreByteArray* fail = ReadHistory(id, bytes, &decoded)) return TemporalCoreWorkerReplayPushResult{fail};
  // Returns at once; the history reaches the replay worker's stream later, in push order.
  uint64_t worker_id = worker->id;
  {
    std::lock_guard<std::mutex> lock(worker->queue->mutex);
    worker->replay_in_transit.push_back(std::move(decoded));
  }
  fake::Schedule(WorkerDelay(), [worker_id] {
    WithLiveWorker(worker_id, [](TemporalCoreWorker* worker) {
      // Each relay moves the oldest history in transit, so order holds whichever relay runs first.
      if (worker->replay_in_transit.empty()) return;
      worker->replay_stream.push_back(std::move(worker->replay_in_transit.front()));
      worker->replay_in_transit.pop_front();
      worker->Wake(kWorkflow);
    });
  });
  return TemporalCoreWorkerReplayPushResult{nullptr};
}

}  // extern "C"
