/** Vendor user ids are recorded as identities: provider = vendor, kind = user_id. */
export const VENDOR_IDENTITY_KIND = "user_id";
