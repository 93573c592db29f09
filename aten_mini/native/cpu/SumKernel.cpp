// CPU sum: vectorized, parallel and numerically sound (cascade summation),
// compiled once per capability.

#include "ops/sum_stubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <new>
#include <type_traits>

namespace at_mini::native {
namespace {

using at::vec::Vectorized;

// Note [Cascade summation]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// Adding n floats one after another into one accumulator loses up to about
// n * 6e-8 of the total: 16M float32 values summed that way can be off by 10%
// and more. Pairwise summation (sum each half, add the two) keeps the error
// near log2(n) * 6e-8. A cascade gets the same bound while streaming through
// memory once, front to back: the input is cut into leaves (a few hundred
// values, summed in a plain vectorized loop), and each leaf's sum is pushed
// onto a stack of partial sums where, like carries in a binary counter, two
// partial sums of the same size are added before they meet a bigger one.
// level k of the stack holds the sum of 2^k leaves; at the end the levels are
// added together. ATen's cascade_sum (ReduceOpsKernel / SumKernel.cpp) works
// the same way.
// Partial sums of scalars add with +=; Group and Columns bring their own.
template <typename acc_t>
void add_to(acc_t& a, const acc_t& b) {
  a += b;
}

template <typename T>
class Cascade {
 public:
  void push(const T& leaf) {
    std::size_t k = 0;
    for (std::uint64_t c = count_; c & 1; c >>= 1) {
      ++k;
    }
    // Level k becomes leaf + levels 0..k-1 (which the count then frees).
    T* slot = new (&levels_[k].value) T(leaf);
    for (std::size_t j = 0; j < k; ++j) {
      add_to(*slot, levels_[j].value);
    }
    ++count_;
  }
  // Adds every partial sum into `total`.
  void finish(T& total) const {
    for (std::size_t k = 0; k < kLevels; ++k) {
      if ((count_ >> k) & 1) {
        add_to(total, levels_[k].value);
      }
    }
  }

 private:
  static_assert(std::is_trivially_destructible_v<T>);
  // A level holds a value only while its bit of count_ is set: no
  // initialisation (the stack lives on the stack, once per row summed).
  union Level {
    Level() {}
    T value;
  };
  static constexpr std::size_t kLevels = 64; // count_ has 64 bits
  std::array<Level, kLevels> levels_;
  std::uint64_t count_ = 0;
};

// Four vectors of acc_t, loaded from 4 * Vec::size() consecutive scalar_t
// (Half and BFloat16 are widened to float on load): four independent
// accumulators keep the adder busy.
template <typename scalar_t>
struct Group {
  using acc_t = at::opmath_type<scalar_t>;
  using Vec = Vectorized<acc_t>;
  static constexpr int64_t kSize = 4 * Vec::size(); // scalars per group
  std::array<Vec, 4> v;

  static Group zero() {
    return {Vec(acc_t(0)), Vec(acc_t(0)), Vec(acc_t(0)), Vec(acc_t(0))};
  }
  static Group load(const scalar_t* p) {
    Group g;
    if constexpr (is_reduced_float_v<scalar_t>) {
      for (int k = 0; k < 4; k += 2) {
        auto [lo, hi] = at::vec::convert_to_float<scalar_t>(
            Vectorized<scalar_t>::loadu(p + k * Vec::size()));
        g.v[k] = lo;
        g.v[k + 1] = hi;
      }
    } else {
      for (int k = 0; k < 4; ++k) {
        g.v[k] = Vec::loadu(p + k * Vec::size());
      }
    }
    return g;
  }
  friend void add_to(Group& a, const Group& b) {
    for (int k = 0; k < 4; ++k) {
      a.v[k] = a.v[k] + b.v[k];
    }
  }
  acc_t total() const {
    std::array<acc_t, kSize> lanes;
    for (int k = 0; k < 4; ++k) {
      v[k].store(lanes.data() + k * Vec::size());
    }
    acc_t sum = 0;
    for (acc_t x : lanes) {
      sum += x;
    }
    return sum;
  }
};

// Sum of n contiguous scalars. See Note [Cascade summation].
template <typename scalar_t>
at::opmath_type<scalar_t> contiguous_sum(const scalar_t* p, int64_t n) {
  using acc_t = at::opmath_type<scalar_t>;
  using G = Group<scalar_t>;
  constexpr int64_t kLeaf = 32 * G::kSize;
  const int64_t full = n - n % G::kSize; // the scalars in whole groups
  Cascade<G> cascade;
  for (int64_t i = 0; i < full; i += kLeaf) {
    const int64_t end = std::min(i + kLeaf, full);
    G leaf = G::load(p + i);
    for (int64_t k = i + G::kSize; k < end; k += G::kSize) {
      add_to(leaf, G::load(p + k));
    }
    cascade.push(leaf);
  }
  G total = G::zero();
  cascade.finish(total);
  acc_t sum = total.total();
  for (int64_t i = full; i < n; ++i) {
    sum += static_cast<acc_t>(p[i]);
  }
  return sum;
}

// Sum of n scalars `stride` bytes apart.
template <typename scalar_t>
at::opmath_type<scalar_t> strided_sum(
    const char* in, int64_t n, int64_t stride) {
  using acc_t = at::opmath_type<scalar_t>;
  if (stride == sizeof(scalar_t)) {
    return contiguous_sum(reinterpret_cast<const scalar_t*>(in), n);
  }
  constexpr int64_t kLeaf = 64;
  Cascade<acc_t> cascade;
  for (int64_t i = 0; i < n; i += kLeaf) {
    acc_t leaf = 0;
    for (int64_t k = i; k < std::min(i + kLeaf, n); ++k) {
      leaf += static_cast<acc_t>(
          *reinterpret_cast<const scalar_t*>(in + k * stride));
    }
    cascade.push(leaf);
  }
  acc_t total = 0;
  cascade.finish(total);
  return total;
}

template <typename scalar_t>
void add_into(char* out, at::opmath_type<scalar_t> value) {
  auto* o = reinterpret_cast<scalar_t*>(out);
  *o =
      static_cast<scalar_t>(static_cast<at::opmath_type<scalar_t>>(*o) + value);
}

// kWidth column sums, the partial sums of an outer reduction.
template <typename acc_t>
struct Columns {
  static constexpr int64_t kWidth = 256;
  std::array<acc_t, kWidth> v{};
  friend void add_to(Columns& a, const Columns& b) {
    for (int64_t k = 0; k < kWidth; ++k) {
      a.v[k] += b.v[k];
    }
  }
};

// out[i] += sum over j of in[i, j], for i < n0 (contiguous in out and in) and
// j < n1 (stride in_s1). Rows are read front to back, kWidth columns at a
// time, so memory streams; leaves of kRows rows go into a cascade.
template <typename scalar_t>
void outer_sum(
    char* out, const char* in, int64_t in_s1, int64_t n0, int64_t n1) {
  using acc_t = at::opmath_type<scalar_t>;
  using C = Columns<acc_t>;
  constexpr int64_t kRows = 16;
  for (int64_t i0 = 0; i0 < n0; i0 += C::kWidth) {
    const int64_t width = std::min(C::kWidth, n0 - i0);
    Cascade<C> cascade;
    for (int64_t j0 = 0; j0 < n1; j0 += kRows) {
      C leaf;
      for (int64_t j = j0; j < std::min(j0 + kRows, n1); ++j) {
        const auto* row =
            reinterpret_cast<const scalar_t*>(in + j * in_s1) + i0;
        for (int64_t k = 0; k < width; ++k) {
          leaf.v[k] += static_cast<acc_t>(row[k]);
        }
      }
      cascade.push(leaf);
    }
    C total;
    cascade.finish(total);
    for (int64_t k = 0; k < width; ++k) {
      add_into<scalar_t>(
          out + (i0 + k) * int64_t(sizeof(scalar_t)), total.v[k]);
    }
  }
}

// One 2-d chunk of a reduction TensorIterator: data = {out, in}; an output
// stride of 0 marks a reduced dim. See Note [Cascade summation].
template <typename scalar_t>
void sum_loop(char** data, const int64_t* strides, int64_t n0, int64_t n1) {
  const int64_t out_s0 = strides[0], in_s0 = strides[1], out_s1 = strides[2],
                in_s1 = strides[3];
  using acc_t = at::opmath_type<scalar_t>;
  const auto elem = int64_t(sizeof(scalar_t));
  if (out_s0 == 0 && out_s1 == 0 && in_s1 == n0 * in_s0) { // one run of n0 * n1
    add_into<scalar_t>(data[0], strided_sum<scalar_t>(data[1], n0 * n1, in_s0));
  } else if (out_s0 == 0 && out_s1 == 0) { // both reduced: one output
    Cascade<acc_t> rows;
    for (int64_t j = 0; j < n1; ++j) {
      rows.push(strided_sum<scalar_t>(data[1] + j * in_s1, n0, in_s0));
    }
    acc_t total = 0;
    rows.finish(total);
    add_into<scalar_t>(data[0], total);
  } else if (out_s0 == 0 && out_s1 == elem && in_s1 == elem) {
    // dim 0 reduced, dim 1 contiguous: TensorIterator puts reduced dims first,
    // so this is sum(x, 0) of a row-major matrix.
    outer_sum<scalar_t>(data[0], data[1], in_s0, n1, n0);
  } else if (out_s0 == 0) { // dim 0 reduced: every step of dim 1 is one sum
    for (int64_t j = 0; j < n1; ++j) {
      add_into<scalar_t>(
          data[0] + j * out_s1,
          strided_sum<scalar_t>(data[1] + j * in_s1, n0, in_s0));
    }
  } else if (out_s1 == 0 && out_s0 == elem && in_s0 == elem) { // dim 1 reduced
    outer_sum<scalar_t>(data[0], data[1], in_s1, n0, n1);
  } else if (out_s1 == 0) { // dim 1 reduced, strided along dim 0
    for (int64_t i = 0; i < n0; ++i) {
      add_into<scalar_t>(
          data[0] + i * out_s0,
          strided_sum<scalar_t>(data[1] + i * in_s0, n1, in_s1));
    }
  } else { // nothing reduced in this chunk
    for (int64_t j = 0; j < n1; ++j) {
      for (int64_t i = 0; i < n0; ++i) {
        add_into<scalar_t>(
            data[0] + i * out_s0 + j * out_s1,
            *reinterpret_cast<const scalar_t*>(
                data[1] + i * in_s0 + j * in_s1));
      }
    }
  }
}

// The output starts at zero (so an empty input sums to 0); parallel_reduce
// splits the work over threads: along the output when it has many elements,
// otherwise over the input into per-thread partial sums added at the end.
void sum_kernel(at::TensorIterator& iter) {
  AT_DISPATCH_ALL_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.dtype(), "sum_cpu", [&] {
        at::Tensor(iter.output_base()).zero_();
        if (iter.numel() == 0) {
          return;
        }
        iter.parallel_reduce(sum_loop<scalar_t>);
      });
}

} // namespace

REGISTER_DISPATCH(sum_stub, &sum_kernel);

} // namespace at_mini::native
