// A vector whose elements never move: fixed-capacity chunks, so that appending costs no copy of
// the elements already there, and a reference to an element stays valid while the vector lives.
// OPTIMIZATION: a serialized graph's Records (see SerializedGraph) and a heap's objects (see Heap).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace pmconf::model {

template<class T, std::size_t ChunkSize>
class ChunkedVector {
    static_assert((ChunkSize & (ChunkSize - 1)) == 0, "a power of two, for cheap indexing");

public:
    ChunkedVector() = default;
    ChunkedVector(ChunkedVector&&) noexcept = default;
    ChunkedVector& operator=(ChunkedVector&&) noexcept = default;
    // A copy gets full-capacity chunks too.
    ChunkedVector(ChunkedVector const& other)
    {
        m_chunks.reserve(other.m_chunks.size());
        for (std::size_t i = 0; i < other.m_size; ++i)
            emplace_back(other[i]);
    }
    ChunkedVector& operator=(ChunkedVector const& other)
    {
        if (this != &other) {
            ChunkedVector copy(other);
            *this = std::move(copy);
        }
        return *this;
    }

    template<class... Args>
    T& emplace_back(Args&&... args)
    {
        if (m_size % ChunkSize == 0) {
            m_chunks.emplace_back();
            m_chunks.back().reserve(ChunkSize);
        }
        ++m_size;
        return m_chunks.back().emplace_back(std::forward<Args>(args)...);
    }
    T& operator[](std::size_t i) { return m_chunks[i / ChunkSize][i % ChunkSize]; }
    T const& operator[](std::size_t i) const { return m_chunks[i / ChunkSize][i % ChunkSize]; }
    std::size_t size() const { return m_size; }
    // Room in the chunk table for n elements (the chunks themselves are allocated as needed).
    void reserve(std::size_t n) { m_chunks.reserve((n + ChunkSize - 1) / ChunkSize); }

private:
    std::vector<std::vector<T>> m_chunks;
    std::size_t m_size = 0;
};

} // namespace pmconf::model
