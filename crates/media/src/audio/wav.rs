//! Minimal WAV (RIFF/WAVE) reader and writer for 16-bit PCM mono at any rate: what
//! the file audio device plays and records. Unknown chunks (LIST, fact, ...) are
//! skipped; anything that is not 16-bit mono PCM is refused with a typed error.

use std::path::Path;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum WavError {
    #[error("not a RIFF/WAVE file")]
    NotWav,
    #[error("WAV file ends inside a chunk")]
    Truncated,
    #[error("no fmt chunk before the data chunk")]
    MissingFormat,
    #[error("no data chunk")]
    MissingData,
    #[error("unsupported WAV format {format:#06x}, {channels} channel(s), {bits} bits: only 16-bit PCM mono")]
    Unsupported {
        format: u16,
        channels: u16,
        bits: u16,
    },
    #[error("WAV file I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// Decoded audio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wav {
    pub sample_rate: u32,
    pub samples: Vec<i16>,
}

const FORMAT_PCM: u16 = 1;
/// WAVE_FORMAT_EXTENSIBLE: PCM inside, announced by a sub-format GUID.
const FORMAT_EXTENSIBLE: u16 = 0xFFFE;
/// Size of the header [`write()`] produces; [`header`] is reused by the streaming sink.
pub const HEADER_LEN: usize = 44;

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Reads a WAV file from memory.
pub fn read(bytes: &[u8]) -> Result<Wav, WavError> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(WavError::NotWav);
    }
    let mut pos = 12;
    let mut sample_rate = None;
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let size = le32(bytes, pos + 4) as usize;
        let body = pos + 8;
        let end = body.checked_add(size).ok_or(WavError::Truncated)?;
        match id {
            b"fmt " => {
                if size < 16 || end > bytes.len() {
                    return Err(WavError::Truncated);
                }
                let mut format = le16(bytes, body);
                let channels = le16(bytes, body + 2);
                let bits = le16(bytes, body + 14);
                if format == FORMAT_EXTENSIBLE && size >= 26 {
                    // The first two bytes of the sub-format GUID are the real format.
                    format = le16(bytes, body + 24);
                }
                if format != FORMAT_PCM || channels != 1 || bits != 16 {
                    return Err(WavError::Unsupported {
                        format,
                        channels,
                        bits,
                    });
                }
                sample_rate = Some(le32(bytes, body + 4));
            }
            b"data" => {
                let rate = sample_rate.ok_or(WavError::MissingFormat)?;
                // Writers that stream often leave the size at 0 or 0xFFFFFFFF: take
                // what is there rather than refuse a recording cut short.
                let end = end.min(bytes.len());
                let samples = bytes[body..end]
                    .chunks_exact(2)
                    .map(|c| i16::from_le_bytes([c[0], c[1]]))
                    .collect();
                return Ok(Wav {
                    sample_rate: rate,
                    samples,
                });
            }
            _ => {}
        }
        // Chunks are padded to an even size.
        pos = end + (size & 1);
    }
    Err(if sample_rate.is_some() {
        WavError::MissingData
    } else {
        WavError::MissingFormat
    })
}

/// The 44-byte header of a 16-bit mono PCM file with `samples` samples.
pub fn header(sample_rate: u32, samples: usize) -> [u8; HEADER_LEN] {
    let data_len = (samples * 2) as u32;
    let mut h = [0u8; HEADER_LEN];
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&(36 + data_len).to_le_bytes());
    h[8..12].copy_from_slice(b"WAVE");
    h[12..16].copy_from_slice(b"fmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&FORMAT_PCM.to_le_bytes());
    h[22..24].copy_from_slice(&1u16.to_le_bytes());
    h[24..28].copy_from_slice(&sample_rate.to_le_bytes());
    h[28..32].copy_from_slice(&(sample_rate * 2).to_le_bytes());
    h[32..34].copy_from_slice(&2u16.to_le_bytes());
    h[34..36].copy_from_slice(&16u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_len.to_le_bytes());
    h
}

/// Writes a whole file to memory.
pub fn write(sample_rate: u32, samples: &[i16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + samples.len() * 2);
    out.extend_from_slice(&header(sample_rate, samples.len()));
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

pub fn read_file(path: &Path) -> Result<Wav, WavError> {
    read(&std::fs::read(path)?)
}

pub fn write_file(path: &Path, sample_rate: u32, samples: &[i16]) -> Result<(), WavError> {
    Ok(std::fs::write(path, write(sample_rate, samples))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_file_reads_back_at_any_rate() {
        for rate in [8000, 16000, 44100, 48000] {
            let samples: Vec<i16> = (0..1000).map(|i| (i * 37 % 65536 - 32768) as i16).collect();
            let bytes = write(rate, &samples);
            assert_eq!(bytes.len(), HEADER_LEN + 2000);
            assert_eq!(
                read(&bytes).unwrap(),
                Wav {
                    sample_rate: rate,
                    samples
                }
            );
        }
    }

    #[test]
    fn unknown_chunks_and_odd_sizes_are_skipped() {
        let plain = write(8000, &[1, -2, 3]);
        let mut bytes = plain[..36].to_vec();
        bytes.extend_from_slice(b"LIST");
        bytes.extend_from_slice(&3u32.to_le_bytes());
        bytes.extend_from_slice(&[b'a', b'b', b'c', 0]); // 3 bytes + pad byte
        bytes.extend_from_slice(&plain[36..]);
        assert_eq!(read(&bytes).unwrap().samples, vec![1, -2, 3]);
    }

    #[test]
    fn stereo_or_8_bit_files_are_refused() {
        let mut stereo = write(8000, &[0; 4]);
        stereo[22] = 2;
        assert!(matches!(
            read(&stereo),
            Err(WavError::Unsupported { channels: 2, .. })
        ));
        let mut eight = write(8000, &[0; 4]);
        eight[34] = 8;
        assert!(matches!(
            read(&eight),
            Err(WavError::Unsupported { bits: 8, .. })
        ));
    }

    #[test]
    fn garbage_and_truncated_files_are_errors() {
        assert!(matches!(
            read(b"not a wav file at all"),
            Err(WavError::NotWav)
        ));
        let bytes = write(8000, &[0; 4]);
        assert!(matches!(read(&bytes[..30]), Err(WavError::Truncated)));
        assert!(matches!(read(&bytes[..36]), Err(WavError::MissingData)));
        let mut no_fmt = bytes[..12].to_vec();
        no_fmt.extend_from_slice(&bytes[36..]);
        assert!(matches!(read(&no_fmt), Err(WavError::MissingFormat)));
    }

    #[test]
    fn data_size_larger_than_the_file_reads_what_is_there() {
        let mut bytes = write(8000, &[5, 6]);
        bytes[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(read(&bytes).unwrap().samples, vec![5, 6]);
    }
}
