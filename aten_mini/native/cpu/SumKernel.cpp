// CPU sum: vectorized, parallel and numerically sound (pairwise summation),
// compiled once per capability.

#include "DispatchStubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>

#include <array>

namespace at_mini::native {
namespace {

using at::vec::Vectorized;

// Note [Pairwise summation]
// ~~~~~~~~~~~~~~~~~~~~~~~~~
// Adding n floats one after another into one accumulator loses up to about
// n * 6e-8 of the total: 16M float32 values summed that way can be off by 10%
// and more. Pairwise summation splits the range in halves, sums each half the
// same way and adds the two results; a leaf of 16 items is summed in a plain
// loop. The error then grows like (16 + log2 n) * 6e-8, and the leaf loop is
// as fast as the naive one. Each "item" is a group of four vectors (32
// floats with AVX2): four independent accumulators keep the adder busy.
template <typename acc_t, typename Load>
acc_t pairwise_sum(int64_t begin, int64_t end, const Load& load) {
  constexpr int64_t kLeaf = 16;
  if (end - begin <= kLeaf) {
    acc_t acc = load(begin);
    for (int64_t i = begin + 1; i < end; ++i) {
      acc = acc + load(i);
    }
    return acc;
  }
  int64_t mid = begin + (end - begin) / 2;
  return pairwise_sum<acc_t>(begin, mid, load) +
         pairwise_sum<acc_t>(mid, end, load);
}

// Four vectors of acc_t, loaded from 4 * Vec::size() consecutive scalar_t
// (Half and BFloat16 are widened to float on load).
template <typename scalar_t>
struct Group {
  using acc_t = at::opmath_type<scalar_t>;
  using Vec = Vectorized<acc_t>;
  static constexpr int64_t kSize = 4 * Vec::size(); // scalars per group
  std::array<Vec, 4> v;

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
  friend Group operator+(const Group& a, const Group& b) {
    return {a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3]};
  }
  // The lanes, in order: lanes()[i] is the sum for scalar i of the group.
  std::array<acc_t, kSize> lanes() const {
    std::array<acc_t, kSize> out;
    for (int k = 0; k < 4; ++k) {
      v[k].store(out.data() + k * Vec::size());
    }
    return out;
  }
};

// Sum of n scalars `stride` bytes apart.
template <typename scalar_t>
at::opmath_type<scalar_t> row_sum(const char* in, int64_t n, int64_t stride) {
  using acc_t = at::opmath_type<scalar_t>;
  using G = Group<scalar_t>;
  auto elem = [&](int64_t i) {
    return static_cast<acc_t>(
        *reinterpret_cast<const scalar_t*>(in + i * stride));
  };
  if (n == 0) {
    return acc_t(0);
  }
  if (stride != sizeof(scalar_t) || n < G::kSize) {
    return pairwise_sum<acc_t>(0, n, elem);
  }
  const auto* p = reinterpret_cast<const scalar_t*>(in);
  int64_t groups = n / G::kSize;
  auto lanes = pairwise_sum<G>(0, groups, [&](int64_t i) {
                 return G::load(p + i * G::kSize);
               }).lanes();
  acc_t total =
      pairwise_sum<acc_t>(0, G::kSize, [&](int64_t i) { return lanes[i]; });
  for (int64_t i = groups * G::kSize; i < n; ++i) {
    total += elem(i);
  }
  return total;
}

template <typename scalar_t>
void add_into(char* out, at::opmath_type<scalar_t> value) {
  auto* o = reinterpret_cast<scalar_t*>(out);
  *o =
      static_cast<scalar_t>(static_cast<at::opmath_type<scalar_t>>(*o) + value);
}

// out[i] += sum over j of in[i, j], for i < n0 (contiguous in out and in) and
// j < n1 (stride in_s1 bytes): vectorized across i, pairwise across j.
template <typename scalar_t>
void outer_sum(
    char* out, const char* in, int64_t in_s1, int64_t n0, int64_t n1) {
  using acc_t = at::opmath_type<scalar_t>;
  using G = Group<scalar_t>;
  const auto* p = reinterpret_cast<const scalar_t*>(in);
  int64_t i = 0;
  for (; i + G::kSize <= n0; i += G::kSize) {
    auto row = [&](int64_t j) {
      return G::load(p + i + j * in_s1 / int64_t(sizeof(scalar_t)));
    };
    auto lanes = pairwise_sum<G>(0, n1, row).lanes();
    for (int64_t k = 0; k < G::kSize; ++k) {
      add_into<scalar_t>(out + (i + k) * sizeof(scalar_t), lanes[k]);
    }
  }
  for (; i < n0; ++i) {
    add_into<scalar_t>(
        out + i * sizeof(scalar_t),
        row_sum<scalar_t>(in + i * sizeof(scalar_t), n1, in_s1));
  }
}

// One 2-d chunk of a reduction TensorIterator: data = {out, in}; an output
// stride of 0 marks a reduced dim. See Note [Pairwise summation].
template <typename scalar_t>
void sum_loop(char** data, const int64_t* strides, int64_t n0, int64_t n1) {
  using acc_t = at::opmath_type<scalar_t>;
  const int64_t out_s0 = strides[0], in_s0 = strides[1], out_s1 = strides[2],
                in_s1 = strides[3];
  constexpr auto kElem = int64_t(sizeof(scalar_t));
  // TensorIterator puts reduced dims first. Summing a strided column one
  // element at a time is slow; when dim 1 is contiguous, sum whole rows of
  // outputs at once instead (vectorized across dim 1).
  if (out_s0 == 0 && out_s1 == kElem && in_s1 == kElem && in_s0 != kElem) {
    outer_sum<scalar_t>(data[0], data[1], in_s0, n1, n0);
  } else if (out_s0 == 0) { // dim 0 reduced: every step of dim 1 is one row sum
    auto row = [&](int64_t j) {
      return row_sum<scalar_t>(data[1] + j * in_s1, n0, in_s0);
    };
    if (out_s1 == 0) {
      add_into<scalar_t>(data[0], pairwise_sum<acc_t>(0, n1, row));
    } else {
      for (int64_t j = 0; j < n1; ++j) {
        add_into<scalar_t>(data[0] + j * out_s1, row(j));
      }
    }
  } else if (out_s1 == 0 && out_s0 == kElem && in_s0 == kElem) {
    outer_sum<scalar_t>(data[0], data[1], in_s1, n0, n1); // dim 1 reduced
  } else if (out_s1 == 0) { // dim 1 reduced, strided along dim 0
    for (int64_t i = 0; i < n0; ++i) {
      add_into<scalar_t>(
          data[0] + i * out_s0,
          row_sum<scalar_t>(data[1] + i * in_s0, n1, in_s1));
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
