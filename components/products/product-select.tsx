"use client";

import { useQuery } from "@tanstack/react-query";

import { fetchJson } from "@/lib/client/fetch-json";
import type { KnownProduct } from "@/lib/products/known-products";

/** The workspace's known products (usage data and connected vendors), fetched once per page. */
export function useKnownProducts() {
  return useQuery({
    queryKey: ["products"],
    queryFn: () => fetchJson<{ products: KnownProduct[] }>("/api/products"),
    staleTime: 5 * 60_000,
  });
}

/**
 * A product chosen from the workspace's known products, or all products (""). A value that is
 * not in the list (a policy saved before the list existed) stays shown, so editing never
 * silently changes it.
 */
export function ProductSelect({
  name,
  value,
  onChange,
  disabled,
  className,
  allLabel = "All products",
}: {
  name: string;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  className?: string;
  allLabel?: string;
}) {
  const known = useKnownProducts();
  const products = known.data?.products ?? [];
  const listed = value === "" || products.some((p) => p.id === value);
  return (
    <select
      name={name}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      disabled={disabled}
      className={className}
    >
      <option value="">{allLabel}</option>
      {products.map((p) => (
        <option key={p.id} value={p.id}>
          {p.label === p.id ? p.id : `${p.label} (${p.id})`}
        </option>
      ))}
      {!listed && <option value={value}>{value}</option>}
    </select>
  );
}
