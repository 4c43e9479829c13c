// The fake core's own threads: a small pool running delayed tasks, standing in for Tokio.
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

#include "fake_core.h"

namespace fake {

namespace {

struct Task {
  std::chrono::steady_clock::time_point due;
  uint64_t seq;
  std::function<void()> fn;
  bool operator>(const Task& other) const { return due != other.due ? due > other.due : seq > other.seq; }
};

struct Scheduler {
  std::mutex mutex;
  std::condition_variable wake;
  std::priority_queue<Task, std::vector<Task>, std::greater<Task>> tasks;
  uint64_t seq = 0;

  Scheduler() {
    // Several threads, so callbacks genuinely race each other as Tokio's would.
    for (int i = 0; i < 3; i++) std::thread([this] { Run(); }).detach();
  }

  void Run() {
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      if (tasks.empty()) {
        wake.wait(lock);
        continue;
      }
      auto due = tasks.top().due;
      if (std::chrono::steady_clock::now() < due) {
        wake.wait_until(lock, due);
        continue;
      }
      std::function<void()> fn = std::move(const_cast<Task&>(tasks.top()).fn);
      tasks.pop();
      lock.unlock();
      fn();
      lock.lock();
    }
  }
};

Scheduler& scheduler() {
  static Scheduler* instance = new Scheduler();
  return *instance;
}

}  // namespace

void Schedule(std::chrono::milliseconds delay, std::function<void()> fn) {
  Scheduler& s = scheduler();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.tasks.push(Task{std::chrono::steady_clock::now() + delay, s.seq++, std::move(fn)});
  }
  s.wake.notify_one();
}

}  // namespace fake
