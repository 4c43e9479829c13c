// Intrusive reference counting for native handles and calls. A handle (runtime, connection,
// worker) is held once by its JS object and once by every in-flight operation; the last release
// runs the destructor, which calls the matching core `*_free`. Releases happen on the JS thread
// only (core callbacks hop there first), so a core object is never freed inside a core callback.
#pragma once

#include <atomic>
#include <utility>

namespace temporal_native {

class RefCounted {
 public:
  void AddRef() const { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Release() const {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 protected:
  RefCounted() = default;
  virtual ~RefCounted() = default;

 private:
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;
  mutable std::atomic<int> refs_{0};
};

// Owning pointer that holds one reference.
template <class T>
class RefPtr {
 public:
  RefPtr() = default;
  explicit RefPtr(T* ptr) : ptr_(ptr) {
    if (ptr_ != nullptr) ptr_->AddRef();
  }
  RefPtr(const RefPtr& other) : RefPtr(other.ptr_) {}
  RefPtr(RefPtr&& other) noexcept : ptr_(std::exchange(other.ptr_, nullptr)) {}
  RefPtr& operator=(RefPtr other) noexcept {
    std::swap(ptr_, other.ptr_);
    return *this;
  }
  ~RefPtr() { reset(); }

  void reset() {
    if (T* old = std::exchange(ptr_, nullptr)) old->Release();
  }
  T* get() const { return ptr_; }
  T* operator->() const { return ptr_; }
  T& operator*() const { return *ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }

 private:
  T* ptr_ = nullptr;
};

}  // namespace temporal_native
