/** One PUT (Files API, presigned URL) takes at most 5 GiB (py-sdk `FilesAPI.upload`: "Uploads a file of up to 5 GiB"). */
export const SINGLE_PUT_LIMIT = 5 * 1024 ** 3;
