// Workers, the worker protocol and the replayer.
//
// Tasks are scripted: the Test rpc "EnqueueTask" (or a replay push) queues bytes for a task
// queue, and a poll of that kind hands them out. After initiate_shutdown a poll answers NULL/NULL
// once its kind is drained (nothing queued, everything handed out completed). finalize_shutdown
// fails while any operation is in flight, and any call after finalize aborts the process, as the
// real core does.
#include <deque>
#include <mutex>
#include <vector>

#include "fake_core.h"

namespace fake {
void ConnectionRetain(TemporalCoreConnection* connection);
void ConnectionRelease(TemporalCoreConnection* connection);
TemporalCoreRuntime* ConnectionRuntime(TemporalCoreConnection* connection);
void CheckConnection(const TemporalCoreConnection* connection, const char* call);
}  // namespace fake

namespace {

enum Kind { kWorkflow = 0, kActivity = 1 };

struct Poll {
  TemporalCoreWorker* worker;
  void* user_data;
  TemporalCoreWorkerPollCallback callback;
};

// Shared by every worker polling one task queue name.
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

}  // namespace

struct TemporalCoreWorker {
  uint32_t magic = fake::kLiveMagic;
  TemporalCoreRuntime* runtime = nullptr;
  TemporalCoreConnection* connection = nullptr;  // NULL for a replay worker
  std::string namespace_, task_queue;
  bool enabled[2] = {false, false};
  std::shared_ptr<TaskQueue> queue;
  std::atomic<int> ops_in_flight{0};
  std::atomic<bool> shutdown{false};
  std::atomic<bool> finalized{false};
  int outstanding[2] = {0, 0};  // handed out, not yet completed; guarded by queue->mutex

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

  // Under queue->mutex: answers one poll if there is a task or the kind is drained.
  bool TryAnswer(Kind kind, const Poll& poll) {
    if (!queue->tasks[kind].empty()) {
      std::string task = std::move(queue->tasks[kind].front());
      queue->tasks[kind].pop_front();
      outstanding[kind]++;
      fake::Schedule(WorkerDelay(), [poll, task] {
        poll.worker->OpFinished();
        poll.callback(poll.user_data, fake::NewBytes(task), nullptr);
      });
      return true;
    }
    if (shutdown && outstanding[kind] == 0) {
      fake::Schedule(WorkerDelay(), [poll] {
        poll.worker->OpFinished();
        poll.callback(poll.user_data, nullptr, nullptr);
      });
      return true;
    }
    return false;
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
};

struct TemporalCoreWorkerReplayPusher {
  uint32_t magic = fake::kLiveMagic;
  TemporalCoreWorker* worker;
};

namespace fake {

void EnqueueTask(const std::string& task_queue, const std::string& kind_name, const std::string& bytes) {
  Kind kind = kind_name == "activity" ? kActivity : kWorkflow;
  std::shared_ptr<TaskQueue> queue = QueueFor(task_queue);
  std::lock_guard<std::mutex> lock(queue->mutex);
  queue->tasks[kind].push_back(bytes);
  // Hand it to the first waiting poll, whichever worker it belongs to.
  auto& waiting = queue->waiting[kind];
  if (!waiting.empty()) {
    Poll poll = waiting.front();
    if (poll.worker->TryAnswer(kind, poll)) waiting.erase(waiting.begin());
  }
}

}  // namespace fake

namespace {

const TemporalCoreByteArray* ValidateOptions(const TemporalCoreWorkerOptions* options, TemporalCoreWorker* worker) {
  worker->namespace_ = fake::Str(options->namespace_, "worker namespace");
  worker->task_queue = fake::Str(options->task_queue, "worker task_queue");
  fake::Str(options->identity_override, "worker identity_override");
  if (options->versioning_strategy.tag != TemporalCoreWorkerVersioningStrategy_None) {
    return fake::NewBytes("fake core: only versioning strategy None is supported");
  }
  fake::Str(options->versioning_strategy.none.build_id, "worker build_id");
  if (options->nondeterminism_as_workflow_fail_for_types.data == nullptr || options->plugins.data == nullptr ||
      options->storage_drivers.data == nullptr) {
    fake::Die("worker options with a NULL ByteArrayRefArray");
  }
  if (worker->task_queue.empty()) return fake::NewBytes("Invalid worker options: task_queue must not be empty");
  const TemporalCoreWorkerTaskTypes& types = options->task_types;
  if (!types.enable_workflows && !types.enable_remote_activities && !types.enable_local_activities &&
      !types.enable_nexus) {
    return fake::NewBytes("Invalid worker options: at least one task type must be enabled");
  }
  const TemporalCorePollerBehavior* behaviors[3] = {&options->workflow_task_poller_behavior,
                                                     &options->activity_task_poller_behavior,
                                                     &options->nexus_task_poller_behavior};
  for (const TemporalCorePollerBehavior* behavior : behaviors) {
    if ((behavior->simple_maximum == nullptr) == (behavior->autoscaling == nullptr)) {
      return fake::NewBytes("Invalid worker options: exactly one poller behavior must be set");
    }
  }
  worker->enabled[kWorkflow] = types.enable_workflows;
  worker->enabled[kActivity] = types.enable_remote_activities || types.enable_local_activities;
  return nullptr;
}

void StartPoll(TemporalCoreWorker* worker, Kind kind, void* user_data, TemporalCoreWorkerPollCallback callback) {
  worker->Guard(kind == kWorkflow ? "worker_poll_workflow_activation" : "worker_poll_activity_task");
  worker->OpStarted();
  if (!worker->enabled[kind]) {
    fake::Schedule(WorkerDelay(), [worker, user_data, callback] {
      worker->OpFinished();
      callback(user_data, nullptr, fake::NewBytes("Poller of this kind is not enabled"));
    });
    return;
  }
  std::lock_guard<std::mutex> lock(worker->queue->mutex);
  Poll poll{worker, user_data, callback};
  if (!worker->TryAnswer(kind, poll)) worker->queue->waiting[kind].push_back(poll);
}

void Complete(TemporalCoreWorker* worker, Kind kind, TemporalCoreByteArrayRef completion, void* user_data,
              TemporalCoreWorkerCallback callback) {
  worker->Guard(kind == kWorkflow ? "worker_complete_workflow_activation" : "worker_complete_activity_task");
  std::string bytes = fake::Str(completion, "completion");
  if (bytes == "bad") {
    // The real core decodes synchronously and reports a decode failure before returning.
    callback(user_data, fake::NewBytes("Failed to decode completion"));
    return;
  }
  worker->OpStarted();
  fake::Schedule(WorkerDelay(), [worker, kind, user_data, callback] {
    {
      std::lock_guard<std::mutex> lock(worker->queue->mutex);
      if (worker->outstanding[kind] > 0) worker->outstanding[kind]--;
      worker->Wake(kind);
    }
    worker->OpFinished();
    callback(user_data, nullptr);
  });
}

TemporalCoreWorker* NewWorker(TemporalCoreRuntime* runtime) {
  auto* worker = new TemporalCoreWorker();
  worker->runtime = runtime;
  return worker;
}

}  // namespace

extern "C" {

TemporalCoreWorkerOrFail temporal_core_worker_new(TemporalCoreConnection* connection,
                                                  const TemporalCoreWorkerOptions* options) {
  fake::CheckConnection(connection, "worker_new");
  TemporalCoreRuntime* runtime = fake::ConnectionRuntime(connection);
  TemporalCoreWorker* worker = NewWorker(runtime);
  if (const TemporalCoreByteArray* fail = ValidateOptions(options, worker)) {
    delete worker;
    return TemporalCoreWorkerOrFail{nullptr, fail};
  }
  worker->connection = connection;
  fake::ConnectionRetain(connection);
  fake::RuntimeRetain(runtime);
  worker->queue = QueueFor(worker->task_queue);
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
    // Forget polls parked on the shared queue (possible only if the worker was never drained).
    std::lock_guard<std::mutex> lock(worker->queue->mutex);
    for (auto& waiting : worker->queue->waiting) {
      for (size_t i = 0; i < waiting.size();) {
        if (waiting[i].worker == worker) fake::Die("worker_free with a poll still waiting");
        i++;
      }
    }
  }
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
  bool missing = worker->namespace_ == "missing-namespace";
  std::string ns = worker->namespace_;
  fake::Schedule(WorkerDelay(), [worker, user_data, callback, missing, ns] {
    worker->OpFinished();
    callback(user_data, missing ? fake::NewBytes("Namespace " + ns + " is not found") : nullptr);
  });
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
  if (bytes == "bad") return fake::NewBytes("Failed to decode heartbeat");
  fake::counters().heartbeats++;
  return nullptr;
}

void temporal_core_worker_request_workflow_eviction(TemporalCoreWorker* worker, TemporalCoreByteArrayRef run_id) {
  worker->Guard("worker_request_workflow_eviction");
  fake::Str(run_id, "run_id");
  fake::counters().evictions++;
}

void temporal_core_worker_initiate_shutdown(TemporalCoreWorker* worker) {
  worker->Guard("worker_initiate_shutdown");
  worker->shutdown = true;
  std::lock_guard<std::mutex> lock(worker->queue->mutex);
  worker->Wake(kWorkflow);
  worker->Wake(kActivity);
}

void temporal_core_worker_finalize_shutdown(TemporalCoreWorker* worker, void* user_data,
                                            TemporalCoreWorkerCallback callback) {
  worker->Guard("worker_finalize_shutdown");
  worker->finalized = true;
  // Like the real core, which takes the worker's last reference inside the task it spawns, not on
  // the caller's thread: an operation whose answer was already delivered has let go by then.
  fake::Schedule(WorkerDelay(), [worker, user_data, callback] {
    int in_flight = worker->ops_in_flight.load();
    callback(user_data, in_flight == 0 ? nullptr
                                       : fake::NewBytes("Cannot finalize, expected 1 reference, got " +
                                                        std::to_string(in_flight + 1)));
  });
}

TemporalCoreWorkerReplayerOrFail temporal_core_worker_replayer_new(TemporalCoreRuntime* runtime,
                                                                   const TemporalCoreWorkerOptions* options) {
  fake::CheckRuntime(runtime, "worker_replayer_new");
  TemporalCoreWorker* worker = NewWorker(runtime);
  if (const TemporalCoreByteArray* fail = ValidateOptions(options, worker)) {
    delete worker;
    return TemporalCoreWorkerReplayerOrFail{nullptr, nullptr, fail};
  }
  fake::RuntimeRetain(runtime);
  // A private queue: replayed histories never mix with scripted tasks.
  worker->queue = std::make_shared<TaskQueue>();
  fake::counters().workers++;
  fake::counters().pushers++;
  auto* pusher = new TemporalCoreWorkerReplayPusher{fake::kLiveMagic, worker};
  return TemporalCoreWorkerReplayerOrFail{worker, pusher, nullptr};
}

void temporal_core_worker_replay_pusher_free(TemporalCoreWorkerReplayPusher* pusher) {
  if (pusher == nullptr || pusher->magic != fake::kLiveMagic) fake::Die("worker_replay_pusher_free on a freed pusher");
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
  std::string id = fake::Str(workflow_id, "workflow_id");
  std::string bytes = fake::Str(history, "history");
  if (bytes == "bad") return TemporalCoreWorkerReplayPushResult{fake::NewBytes("Worker replay init failed: bad history")};
  // The "activation" for a replayed history: workflow id, a newline, then the history bytes.
  std::lock_guard<std::mutex> lock(worker->queue->mutex);
  worker->queue->tasks[kWorkflow].push_back(id + "\n" + bytes);
  worker->Wake(kWorkflow);
  return TemporalCoreWorkerReplayPushResult{nullptr};
}

}  // extern "C"
