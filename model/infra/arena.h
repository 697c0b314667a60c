// A bump allocator whose memory is freed all at once, and the allocator type that lets a
// std::vector take its storage from one.
// OPTIMIZATION: the objects' property lists (Heap) and the Records' [[Properties]]
// (SerializedGraph). Unlike std::pmr::monotonic_buffer_resource, allocating is inline (no
// virtual call): a pointer bump and a test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace pmconf::model {

class Arena {
public:
    Arena() = default;
    Arena(Arena const&) = delete;
    Arena& operator=(Arena const&) = delete;
    ~Arena()
    {
        for (void* block : m_blocks)
            ::operator delete(block);
    }

    void* allocate(std::size_t bytes, std::size_t alignment)
    {
        auto const start = (m_current + alignment - 1) & ~(std::uintptr_t(alignment) - 1);
        if (start + bytes > m_end) [[unlikely]]
            return allocate_in_new_block(bytes, alignment);
        m_current = start + bytes;
        return reinterpret_cast<void*>(start);
    }

private:
    [[gnu::noinline]] void* allocate_in_new_block(std::size_t bytes, std::size_t alignment)
    {
        // Blocks grow by half each time (as std::pmr::monotonic_buffer_resource's do), from 1 KiB.
        auto size = m_next_block_size;
        while (size < bytes + alignment)
            size += size / 2;
        m_next_block_size = size + size / 2;
        m_blocks.reserve(m_blocks.size() + 1);
        void* block = ::operator new(size);
        m_blocks.push_back(block);
        m_current = reinterpret_cast<std::uintptr_t>(block);
        m_end = m_current + size;
        return allocate(bytes, alignment);
    }

    std::uintptr_t m_current = 0;
    std::uintptr_t m_end = 0;
    std::size_t m_next_block_size = 1024;
    std::vector<void*> m_blocks;
};

// An allocator from an Arena (deallocating is a no-op: the arena frees everything at once), or,
// without one, from the global heap. A copy of a container does not share the arena (as with
// std::pmr::polymorphic_allocator, it gets the default: the global heap).
template<class T>
class ArenaAllocator {
public:
    using value_type = T;

    ArenaAllocator() noexcept = default;
    explicit ArenaAllocator(Arena* arena) noexcept : m_arena(arena) { }
    template<class U>
    ArenaAllocator(ArenaAllocator<U> const& other) noexcept : m_arena(other.arena())
    {
    }

    T* allocate(std::size_t n)
    {
        if (m_arena)
            return static_cast<T*>(m_arena->allocate(n * sizeof(T), alignof(T)));
        return std::allocator<T>().allocate(n);
    }
    void deallocate(T* p, std::size_t n) noexcept
    {
        if (!m_arena)
            std::allocator<T>().deallocate(p, n);
    }
    ArenaAllocator select_on_container_copy_construction() const { return ArenaAllocator(); }

    Arena* arena() const { return m_arena; }
    friend bool operator==(ArenaAllocator const& a, ArenaAllocator const& b) noexcept
    {
        return a.m_arena == b.m_arena;
    }

private:
    Arena* m_arena = nullptr;
};

template<class T>
using ArenaVector = std::vector<T, ArenaAllocator<T>>;

} // namespace pmconf::model
